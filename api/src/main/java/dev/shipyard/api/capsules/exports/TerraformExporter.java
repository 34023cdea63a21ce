package dev.shipyard.api.capsules.exports;

import static dev.shipyard.api.capsules.exports.Hcl.expr;

import dev.shipyard.api.capsules.exports.CapsuleExport.ExportedFile;
import dev.shipyard.api.capsules.exports.CapsuleExport.TerraformProvider;
import dev.shipyard.api.capsules.versions.ResolvedVersion;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code terraform}: a module for the hashicorp/kubernetes provider (pinned in {@code versions.tf})
 * that runs the capsule's service: a {@code kubernetes_deployment_v1}, a {@code
 * kubernetes_service_v1} and, when {@code var.ingress_enabled}, a {@code kubernetes_ingress_v1}.
 * Written with {@link Hcl}, so the capsule's text only ever lands in escaped string literals.
 */
@Component
class TerraformExporter implements CapsuleExporter {

  static final TerraformProvider PROVIDER = new TerraformProvider("hashicorp/kubernetes", "2.36.0");

  private final ServiceProfiles profiles;

  TerraformExporter(ServiceProfiles profiles) {
    this.profiles = profiles;
  }

  @Override
  public String format() {
    return "terraform";
  }

  @Override
  public Mono<ResponseEntity<Object>> export(ResolvedVersion version) {
    return profiles.of(version).map(profile -> ResponseEntity.ok(module(profile)));
  }

  CapsuleExport module(ServiceProfile profile) {
    List<ExportedFile> files =
        List.of(
            new ExportedFile("versions.tf", Hcl.file(TerraformExporter::versions)),
            new ExportedFile("variables.tf", Hcl.file(hcl -> variables(hcl, profile))),
            new ExportedFile("main.tf", Hcl.file(hcl -> main(hcl, profile))),
            new ExportedFile("outputs.tf", Hcl.file(TerraformExporter::outputs)));
    return new CapsuleExport(
        format(),
        profile.capsuleId(),
        profile.versionId(),
        profile.versionNumber(),
        profile.manifestSha256(),
        files,
        null,
        PROVIDER,
        null);
  }

  private static void versions(Hcl hcl) {
    hcl.block(
        "terraform",
        tf ->
            tf.attribute("required_version", ">= 1.3.0")
                .block(
                    "required_providers",
                    p ->
                        p.attribute(
                            "kubernetes",
                            YamlText.map(
                                "source", PROVIDER.source(), "version", PROVIDER.version()))));
  }

  private static void variables(Hcl hcl, ServiceProfile profile) {
    variable(hcl, "name", "string", "Name of the Kubernetes objects", profile.name());
    variable(hcl, "namespace", "string", "Namespace to deploy into", "default");
    variable(hcl, "image", "string", "Container image of the service", profile.image());
    variable(hcl, "replicas", "number", "Number of pods", 1);
    variable(hcl, "container_port", "number", "Port the service listens on", profile.port());
    variable(hcl, "health_path", "string", "HTTP path of the probes", profile.healthPath());
    boolean jvm = profile.startupSeconds() > 5;
    variable(
        hcl,
        "resources",
        "object({ requests = map(string), limits = map(string) })",
        "Resource requests and limits of the container",
        YamlText.map(
            "requests",
            YamlText.map("cpu", "100m", "memory", jvm ? "384Mi" : "128Mi"),
            "limits",
            YamlText.map("memory", jvm ? "768Mi" : "256Mi")));
    variable(hcl, "ingress_enabled", "bool", "Create an Ingress for ingress_host", false);
    variable(
        hcl, "ingress_host", "string", "Host name the Ingress routes", profile.name() + ".local");
    variable(
        hcl, "ingress_class_name", "string", "Ingress class; empty for the cluster's default", "");
  }

  private static void variable(
      Hcl hcl, String name, String type, String description, Object defaultValue) {
    hcl.block(
            "variable",
            List.of(name),
            v ->
                v.attribute("type", expr(type))
                    .attribute("description", description)
                    .attribute("default", defaultValue))
        .blank();
  }

  private static void main(Hcl hcl, ServiceProfile profile) {
    hcl.block(
            "locals",
            l ->
                l.attribute("selector", YamlText.map("app.kubernetes.io/name", expr("var.name")))
                    .attribute(
                        "labels",
                        YamlText.map(
                            "app.kubernetes.io/name",
                            expr("var.name"),
                            "app.kubernetes.io/version",
                            profile.imageTag(),
                            "app.kubernetes.io/managed-by",
                            "terraform"))
                    .attribute(
                        "annotations",
                        YamlText.map(
                            "shipyard.dev/capsule-id",
                            profile.capsuleId(),
                            "shipyard.dev/version-id",
                            profile.versionId(),
                            "shipyard.dev/manifest-sha256",
                            profile.manifestSha256(),
                            "shipyard.dev/description",
                            HelmExporter.description(profile))))
        .blank();
    hcl.block(
            "resource",
            List.of("kubernetes_deployment_v1", "app"),
            r ->
                r.block("metadata", TerraformExporter::metadata)
                    .block(
                        "spec",
                        spec ->
                            spec.attribute("replicas", expr("var.replicas"))
                                .block(
                                    "selector",
                                    s -> s.attribute("match_labels", expr("local.selector")))
                                .block(
                                    "template",
                                    t ->
                                        t.block(
                                                "metadata",
                                                m -> m.attribute("labels", expr("local.labels")))
                                            .block("spec", pod -> pod(pod, profile)))))
        .blank();
    hcl.block(
            "resource",
            List.of("kubernetes_service_v1", "app"),
            r ->
                r.block("metadata", TerraformExporter::metadata)
                    .block(
                        "spec",
                        spec ->
                            spec.attribute("type", "ClusterIP")
                                .attribute("selector", expr("local.selector"))
                                .block(
                                    "port",
                                    p ->
                                        p.attribute("name", "http")
                                            .attribute("port", 80)
                                            .attribute("target_port", "http"))))
        .blank();
    hcl.block(
        "resource",
        List.of("kubernetes_ingress_v1", "app"),
        r ->
            r.attribute("count", expr("var.ingress_enabled ? 1 : 0"))
                .block("metadata", TerraformExporter::metadata)
                .block(
                    "spec",
                    spec ->
                        spec.attribute(
                                "ingress_class_name",
                                expr(
                                    "var.ingress_class_name == \"\" ? null :"
                                        + " var.ingress_class_name"))
                            .block(
                                "rule",
                                rule ->
                                    rule.attribute("host", expr("var.ingress_host"))
                                        .block(
                                            "http",
                                            http ->
                                                http.block(
                                                    "path",
                                                    path ->
                                                        path.attribute("path", "/")
                                                            .attribute("path_type", "Prefix")
                                                            .block("backend", backend()))))));
  }

  private static Consumer<Hcl> backend() {
    return b ->
        b.block(
            "service",
            s ->
                s.attribute("name", expr("kubernetes_service_v1.app.metadata[0].name"))
                    .block("port", p -> p.attribute("name", "http")));
  }

  private static void metadata(Hcl m) {
    m.attribute("name", expr("var.name"))
        .attribute("namespace", expr("var.namespace"))
        .attribute("labels", expr("local.labels"))
        .attribute("annotations", expr("local.annotations"));
  }

  private static void pod(Hcl pod, ServiceProfile profile) {
    pod.block(
            "security_context",
            s ->
                s.attribute("run_as_non_root", true)
                    .attribute("run_as_user", ServiceProfile.RUN_AS_USER))
        .block(
            "container",
            c ->
                c.attribute("name", expr("var.name"))
                    .attribute("image", expr("var.image"))
                    .block(
                        "port",
                        p ->
                            p.attribute("name", "http")
                                .attribute("container_port", expr("var.container_port")))
                    .block(
                        "env",
                        e ->
                            e.attribute("name", "PORT")
                                .attribute("value", expr("tostring(var.container_port)")))
                    .block(
                        "resources",
                        r ->
                            r.attribute("requests", expr("var.resources.requests"))
                                .attribute("limits", expr("var.resources.limits")))
                    .block("liveness_probe", probe(profile.startupSeconds() * 2, 10))
                    .block("readiness_probe", probe(profile.startupSeconds(), 5))
                    .block(
                        "security_context",
                        s ->
                            s.attribute("allow_privilege_escalation", false)
                                .block(
                                    "capabilities", cap -> cap.attribute("drop", List.of("ALL")))));
  }

  private static Consumer<Hcl> probe(int initialDelay, int period) {
    return p ->
        p.block(
                "http_get",
                g -> g.attribute("path", expr("var.health_path")).attribute("port", "http"))
            .attribute("initial_delay_seconds", initialDelay)
            .attribute("period_seconds", period)
            .attribute("timeout_seconds", 3)
            .attribute("failure_threshold", 3);
  }

  private static void outputs(Hcl hcl) {
    hcl.block(
            "output",
            List.of("namespace"),
            o -> o.attribute("value", expr("kubernetes_deployment_v1.app.metadata[0].namespace")))
        .blank()
        .block(
            "output",
            List.of("service_name"),
            o -> o.attribute("value", expr("kubernetes_service_v1.app.metadata[0].name")))
        .blank()
        .block(
            "output",
            List.of("url"),
            o ->
                o.attribute("description", "The Ingress URL, or null without an Ingress")
                    .attribute(
                        "value",
                        expr("var.ingress_enabled ? \"http://${var.ingress_host}/\" : null")));
  }
}
