package dev.shipyard.activities.deployments;

import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.cluster.DeploymentObjects;
import dev.shipyard.workflows.deployments.CustomDomain;
import dev.shipyard.workflows.deployments.DeploymentSpec;
import dev.shipyard.workflows.deployments.DeploymentTarget;
import dev.shipyard.workflows.deployments.HealthCheck;
import dev.shipyard.workflows.deployments.Resources;
import dev.shipyard.workflows.deployments.ServiceSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kubernetes objects of a deployment, built from its spec: what {@code apply} writes and what
 * {@code observe} compares with. Pure functions of their input; every object carries {@link
 * DeploymentObjects#labels()}.
 */
final class DeploymentManifests {

  static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
  static final String CLUSTER_ISSUER = "cert-manager.io/cluster-issuer";

  private DeploymentManifests() {}

  static DeploymentObjects objects(DeploymentTarget target) {
    return new DeploymentObjects(
        target.deploymentId(),
        target.ownerId(),
        target.appName(),
        target.namespace(),
        target.name());
  }

  static Namespace namespace(DeploymentObjects objects) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(objects.namespace())
        .withLabels(objects.namespaceLabels())
        .endMetadata()
        .build();
  }

  /** The environment Secret of the spec's revision (Opaque, one key per variable). */
  static Secret envSecret(DeploymentObjects objects, int revision, Map<String, String> env) {
    Map<String, String> data = new LinkedHashMap<>();
    env.forEach((k, v) -> data.put(k, base64(v)));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(objects.envSecret(revision))
        .withNamespace(objects.namespace())
        .withLabels(objects.labels())
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  static Secret registrySecret(DeploymentObjects objects, String dockerConfigJson) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(objects.registrySecret())
        .withNamespace(objects.namespace())
        .withLabels(objects.labels())
        .endMetadata()
        .withType("kubernetes.io/dockerconfigjson")
        .withData(Map.of(".dockerconfigjson", base64(dockerConfigJson)))
        .build();
  }

  /**
   * The Deployment. {@code annotations}: the release annotations to carry ({@link #annotations} for
   * a release, the existing ones when only domains or services change).
   */
  static Deployment deployment(
      DeploymentObjects objects,
      DeploymentSpec spec,
      Map<String, String> annotations,
      int progressDeadlineSeconds) {
    List<EnvVar> env =
        spec.envNames().stream()
            .map(
                name ->
                    new EnvVarBuilder()
                        .withName(name)
                        .withNewValueFrom()
                        .withNewSecretKeyRef()
                        .withName(objects.envSecret(spec.secretsRevision()))
                        .withKey(name)
                        .endSecretKeyRef()
                        .endValueFrom()
                        .build())
            .toList();
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(DeploymentObjects.CONTAINER)
            .withImage(spec.image())
            .addNewPort()
            .withName("http")
            .withContainerPort(spec.port())
            .withProtocol("TCP")
            .endPort()
            .withEnv(env)
            .withResources(resources(spec.resources()));
    HealthCheck check = spec.healthCheck();
    if (check != null) {
      container.withLivenessProbe(probe(check, spec.port()));
      container.withReadinessProbe(probe(check, spec.port()));
    }
    Container built = container.build();
    DeploymentBuilder deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(objects.name())
            .withNamespace(objects.namespace())
            .withLabels(objects.labels())
            .withAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .withReplicas(spec.replicas())
            .withProgressDeadlineSeconds(progressDeadlineSeconds)
            .withRevisionHistoryLimit(10)
            .withNewSelector()
            .withMatchLabels(objects.selector())
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(objects.labels())
            .endMetadata()
            .withNewSpec()
            .withContainers(built)
            .withAutomountServiceAccountToken(false)
            .endSpec()
            .endTemplate()
            .endSpec();
    if (spec.registryAuth()) {
      deployment
          .editSpec()
          .editTemplate()
          .editSpec()
          .addNewImagePullSecret(objects.registrySecret())
          .endSpec()
          .endTemplate()
          .endSpec();
    }
    return deployment.build();
  }

  /** The Deployment's annotations for {@code release}. */
  static Map<String, String> annotations(int release) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(CHANGE_CAUSE, "release " + release);
    annotations.put(DeploymentObjects.ANNOTATION_RELEASE, Integer.toString(release));
    return annotations;
  }

  private static Probe probe(HealthCheck check, int port) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(check.path())
        .withPort(new IntOrString(port))
        .endHttpGet()
        .withInitialDelaySeconds(check.initialDelaySeconds())
        .withPeriodSeconds(check.periodSeconds())
        .withTimeoutSeconds(check.timeoutSeconds())
        .withFailureThreshold(check.failureThreshold())
        .build();
  }

  private static ResourceRequirements resources(Resources resources) {
    Map<String, Quantity> amounts = new LinkedHashMap<>();
    if (resources != null && resources.cpu() != null && !resources.cpu().isBlank()) {
      amounts.put("cpu", new Quantity(resources.cpu()));
    }
    if (resources != null && resources.memory() != null && !resources.memory().isBlank()) {
      amounts.put("memory", new Quantity(resources.memory()));
    }
    return new ResourceRequirementsBuilder().withRequests(amounts).withLimits(amounts).build();
  }

  /** The deployment's own Service: ClusterIP, its port to the container port. */
  static Service service(DeploymentObjects objects, DeploymentSpec spec) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(objects.name())
        .withNamespace(objects.namespace())
        .withLabels(objects.labels())
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(objects.selector())
        .addNewPort()
        .withName("http")
        .withPort(spec.port())
        .withTargetPort(new IntOrString(spec.port()))
        .withProtocol("TCP")
        .endPort()
        .endSpec()
        .build();
  }

  /** An extra Service ({@code /api/services}), selecting the same pods. */
  static Service extraService(DeploymentObjects objects, ServiceSpec spec) {
    Map<String, String> labels = new LinkedHashMap<>(objects.labels());
    labels.put(DeploymentObjects.LABEL_SERVICE, spec.id());
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(objects.service(spec.name()))
        .withNamespace(objects.namespace())
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withType(spec.type())
        .withSelector(objects.selector())
        .addNewPort()
        .withName("port")
        .withPort(spec.port())
        .withTargetPort(new IntOrString(spec.targetPort()))
        .withProtocol(spec.protocol())
        .endPort()
        .endSpec()
        .build();
  }

  /**
   * The Ingress of a custom domain: its host, path {@code /} (Prefix) to the deployment's Service,
   * the configured ingress class, and TLS through cert-manager when a cluster issuer is configured.
   */
  static Ingress ingress(
      DeploymentObjects objects,
      DeploymentSpec spec,
      CustomDomain domain,
      ClusterSettings cluster) {
    String name = objects.ingress(domain.id());
    Map<String, String> labels = new LinkedHashMap<>(objects.labels());
    labels.put(DeploymentObjects.LABEL_DOMAIN, domain.id());
    Map<String, String> annotations = new LinkedHashMap<>();
    boolean tls = cluster.clusterIssuer() != null && !cluster.clusterIssuer().isBlank();
    if (tls) {
      annotations.put(CLUSTER_ISSUER, cluster.clusterIssuer().trim());
    }
    IngressBuilder ingress =
        new IngressBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(objects.namespace())
            .withLabels(labels)
            .withAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .addNewRule()
            .withHost(domain.host())
            .withNewHttp()
            .addNewPath()
            .withPath("/")
            .withPathType("Prefix")
            .withNewBackend()
            .withNewService()
            .withName(objects.name())
            .withNewPort()
            .withNumber(spec.port())
            .endPort()
            .endService()
            .endBackend()
            .endPath()
            .endHttp()
            .endRule()
            .endSpec();
    if (cluster.ingressClass() != null && !cluster.ingressClass().isBlank()) {
      ingress.editSpec().withIngressClassName(cluster.ingressClass().trim()).endSpec();
    }
    if (tls) {
      ingress
          .editSpec()
          .addNewTl()
          .withHosts(domain.host())
          .withSecretName(name + "-tls")
          .endTl()
          .endSpec();
    }
    return ingress.build();
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }
}
