package dev.shipyard.api.capsules.exports;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.shipyard.api.capsules.exports.CapsuleExport.ExportedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The helm export, checked by helm itself (bundled by helm-java): strict lint, then rendered with
 * the default values and with an Ingress, and the rendered objects read back.
 */
class HelmExporterTest {

  private final HelmExporter exporter = new HelmExporter(null);

  @TempDir Path dir;

  @Test
  void theFastApiChartLintsStrictAndRendersDeploymentAndService() throws IOException {
    CapsuleExport export = exporter.chart(Profiles.fastApi("A user service"));
    assertThat(export.format()).isEqualTo("helm");
    assertThat(export.chart().name()).isEqualTo("user-management-service");
    assertThat(export.chart().version()).isEqualTo("0.3.0");
    assertThat(export.chart().appVersion()).isEqualTo("v3");
    assertThat(export.files())
        .extracting(ExportedFile::path)
        .containsExactly(
            "Chart.yaml",
            "values.yaml",
            "templates/_helpers.tpl",
            "templates/deployment.yaml",
            "templates/service.yaml",
            "templates/ingress.yaml",
            "templates/NOTES.txt");
    Path chart = write(export);
    assertLintsStrict(chart);

    List<Map<String, Object>> objects = render(chart, Map.of());
    assertThat(objects).extracting(o -> o.get("kind")).containsExactly("Service", "Deployment");
    Map<String, Object> deployment = only(objects, "Deployment");
    assertThat(at(deployment, "metadata", "name")).isEqualTo("demo-user-management-service");
    assertThat(at(deployment, "spec", "replicas")).isEqualTo(1);
    Map<String, Object> container = container(deployment);
    assertThat(container.get("image")).isEqualTo("user-management-service:v3");
    assertThat(container.get("imagePullPolicy")).isEqualTo("IfNotPresent");
    assertThat(at(container, "ports"))
        .isEqualTo(List.of(Map.of("name", "http", "containerPort", 8000, "protocol", "TCP")));
    // The version's Dockerfile checks /healthz: so do the probes.
    assertThat(at(container, "livenessProbe", "httpGet"))
        .isEqualTo(Map.of("path", "/healthz", "port", "http"));
    assertThat(at(container, "readinessProbe", "httpGet"))
        .isEqualTo(Map.of("path", "/healthz", "port", "http"));
    assertThat(at(container, "readinessProbe", "initialDelaySeconds")).isEqualTo(5);
    assertThat(at(container, "resources", "requests", "memory")).isEqualTo("128Mi");
    assertThat(at(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"))
        .isEqualTo(true);
    assertThat(at(container, "env")).isEqualTo(List.of(Map.of("name", "PORT", "value", "8000")));
    Map<String, Object> service = only(objects, "Service");
    assertThat(at(service, "spec", "ports"))
        .isEqualTo(
            List.of(Map.of("port", 80, "targetPort", "http", "protocol", "TCP", "name", "http")));
    assertThat(at(service, "spec", "selector"))
        .isEqualTo(at(deployment, "spec", "selector", "matchLabels"));
  }

  @Test
  void withAnIngressAndValuesSetItRendersThem() throws IOException {
    Path chart = write(exporter.chart(Profiles.fastApi("A user service")));
    List<Map<String, Object>> objects =
        render(
            chart,
            Map.of(
                "ingress.enabled", "true",
                "ingress.host", "users.example.com",
                "ingress.className", "nginx",
                "ingress.tlsSecretName", "users-tls",
                "replicaCount", "3",
                "image.repository", "registry.example.com/users",
                "image.tag", "1.2.3"));
    assertThat(objects)
        .extracting(o -> o.get("kind"))
        .containsExactly("Service", "Deployment", "Ingress");
    Map<String, Object> deployment = only(objects, "Deployment");
    assertThat(at(deployment, "spec", "replicas")).isEqualTo(3);
    assertThat(container(deployment).get("image")).isEqualTo("registry.example.com/users:1.2.3");
    Map<String, Object> ingress = only(objects, "Ingress");
    assertThat(at(ingress, "spec", "ingressClassName")).isEqualTo("nginx");
    @SuppressWarnings("unchecked")
    Map<String, Object> rule = ((List<Map<String, Object>>) at(ingress, "spec", "rules")).get(0);
    assertThat(rule.get("host")).isEqualTo("users.example.com");
    @SuppressWarnings("unchecked")
    Map<String, Object> path = ((List<Map<String, Object>>) at(rule, "http", "paths")).get(0);
    assertThat(at(path, "backend", "service"))
        .isEqualTo(Map.of("name", "demo-user-management-service", "port", Map.of("name", "http")));
    assertThat(at(ingress, "spec", "tls"))
        .isEqualTo(
            List.of(Map.of("hosts", List.of("users.example.com"), "secretName", "users-tls")));
  }

  @Test
  void eachStackGetsItsPortAndHealthPathAndLintsStrict() throws IOException {
    record Expected(ServiceProfile profile, int port, String health, String name) {}
    for (Expected e :
        List.of(
            new Expected(Profiles.express(), 3000, "/health", "orders-api"),
            new Expected(Profiles.spring(), 8080, "/actuator/health", "inventory"),
            new Expected(Profiles.goService(), 8080, "/health", "app-42-gophers"))) {
      Path chart = Files.createDirectories(dir.resolve(e.name()));
      write(exporter.chart(e.profile()), chart);
      assertLintsStrict(chart);
      Map<String, Object> container = container(only(render(chart, Map.of()), "Deployment"));
      assertThat(container.get("image")).isEqualTo(e.name() + ":v3");
      assertThat(at(container, "ports")).asString().contains("containerPort=" + e.port());
      assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo(e.health());
    }
  }

  @Test
  void aHostileDescriptionAndNameStayDataInChartYaml() throws IOException {
    ServiceProfile profile =
        Profiles.of(
            "../../Evil: {{ .Values }} name\n---",
            Profiles.HOSTILE,
            "python",
            "fastapi",
            null,
            null,
            "app/main.py");
    CapsuleExport export = exporter.chart(profile);
    assertThat(export.chart().name()).isEqualTo("evil-values-name");
    Path chart = write(export);
    assertLintsStrict(chart);
    Map<String, Object> chartYaml = yaml(Files.readString(chart.resolve("Chart.yaml"))).get(0);
    // One line, whitespace and control characters collapsed, every character of it kept as data.
    assertThat(chartYaml.get("description"))
        .isEqualTo(Profiles.HOSTILE.replaceAll("[\\s\\p{Cntrl}]+", " ").strip());
    assertThat(chartYaml.keySet())
        .containsExactly(
            "apiVersion", "name", "description", "type", "version", "appVersion", "annotations");
    assertThat(render(chart, Map.of()))
        .extracting(o -> o.get("kind"))
        .containsExactly("Service", "Deployment");
  }

  @Test
  void aBrokenChartFailsStrictLintSoTheCheckIsReal() throws IOException {
    Path chart = write(exporter.chart(Profiles.fastApi("x")));
    Files.writeString(
        chart.resolve("templates/deployment.yaml"),
        Files.readString(chart.resolve("templates/deployment.yaml"))
            .replace("  replicas:", "  replicas: [")); // YAML that does not parse
    LintResult result = new Helm(chart).lint().strict().call();
    assertThat(result.isFailed()).isTrue();
  }

  private Path write(CapsuleExport export) throws IOException {
    Path chart = Files.createDirectories(dir.resolve(export.chart().name()));
    write(export, chart);
    return chart;
  }

  static void write(CapsuleExport export, Path root) throws IOException {
    for (ExportedFile file : export.files()) {
      Path target = root.resolve(file.path()).normalize();
      assertThat(target.startsWith(root)).as(file.path()).isTrue();
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.content(), StandardCharsets.UTF_8);
    }
  }

  private static void assertLintsStrict(Path chart) {
    LintResult result = new Helm(chart).lint().strict().call();
    assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
    assertThat(result.getMessages())
        .noneMatch(message -> message.contains("[ERROR]") || message.contains("[WARNING]"));
  }

  private static List<Map<String, Object>> render(Path chart, Map<String, String> values) {
    TemplateCommand command = new Helm(chart).template().withName("demo");
    values.forEach(command::set);
    return yaml(command.call());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> yaml(String text) {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
      if (document != null) {
        documents.add((Map<String, Object>) document);
      }
    }
    return documents;
  }

  private static Map<String, Object> only(List<Map<String, Object>> objects, String kind) {
    List<Map<String, Object>> matches =
        objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    assertThat(matches).as(kind).hasSize(1);
    return matches.get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> container(Map<String, Object> deployment) {
    List<Map<String, Object>> containers =
        (List<Map<String, Object>>) at(deployment, "spec", "template", "spec", "containers");
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  @SuppressWarnings("unchecked")
  static Object at(Object node, String... path) {
    Object current = node;
    for (String key : path) {
      if (!(current instanceof Map)) {
        return null;
      }
      current = ((Map<String, Object>) current).get(key);
    }
    return current;
  }
}
