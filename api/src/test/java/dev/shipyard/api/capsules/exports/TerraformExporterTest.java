package dev.shipyard.api.capsules.exports;

import static dev.shipyard.api.capsules.exports.HelmExporterTest.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import dev.shipyard.api.capsules.exports.CapsuleExport.ExportedFile;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The terraform export, parsed file by file with an HCL parser (hcl4j). */
class TerraformExporterTest {

  private final TerraformExporter exporter = new TerraformExporter(null);

  @Test
  void everyFileParsesWithTheResourcesVariablesAndPinnedProvider() throws Exception {
    CapsuleExport export = exporter.module(Profiles.fastApi("A user service"));
    assertThat(export.provider().source()).isEqualTo("hashicorp/kubernetes");
    Map<String, Map<String, Object>> files = parseAll(export);
    assertThat(files).containsOnlyKeys("versions.tf", "variables.tf", "main.tf", "outputs.tf");

    assertThat(at(files.get("versions.tf"), "terraform", "required_providers", "kubernetes"))
        .isEqualTo(Map.of("source", "hashicorp/kubernetes", "version", "2.36.0"));

    Map<String, Object> variables = map(files.get("variables.tf").get("variable"));
    assertThat(variables)
        .containsOnlyKeys(
            "name",
            "namespace",
            "image",
            "replicas",
            "container_port",
            "health_path",
            "resources",
            "ingress_enabled",
            "ingress_host",
            "ingress_class_name");
    assertThat(at(variables, "image", "default")).isEqualTo("user-management-service:v3");
    assertThat(at(variables, "name", "default")).isEqualTo("user-management-service");
    assertThat(((Number) at(variables, "replicas", "default")).intValue()).isEqualTo(1);
    assertThat(((Number) at(variables, "container_port", "default")).intValue()).isEqualTo(8000);
    assertThat(at(variables, "health_path", "default")).isEqualTo("/healthz");
    assertThat(at(variables, "ingress_enabled", "default")).isEqualTo(false);
    assertThat(at(variables, "resources", "default", "requests", "memory")).isEqualTo("128Mi");

    Map<String, Object> main = files.get("main.tf");
    assertThat(map(main.get("resource")))
        .containsOnlyKeys(
            "kubernetes_deployment_v1", "kubernetes_service_v1", "kubernetes_ingress_v1");
    Map<String, Object> deployment = map(at(main, "resource", "kubernetes_deployment_v1", "app"));
    Map<String, Object> container = map(at(deployment, "spec", "template", "spec", "container"));
    assertThat(container).containsKeys("image", "port", "liveness_probe", "readiness_probe");
    assertThat(at(container, "port", "name")).isEqualTo("http");
    assertThat(at(container, "liveness_probe", "http_get", "port")).isEqualTo("http");
    assertThat(at(main, "resource", "kubernetes_service_v1", "app", "spec", "port", "port"))
        .satisfies(port -> assertThat(((Number) port).intValue()).isEqualTo(80));
    assertThat(map(at(main, "resource", "kubernetes_ingress_v1", "app"))).containsKey("count");
    assertThat(at(main, "locals", "annotations", "shipyard.dev/capsule-id"))
        .isEqualTo("cap-0123456789");

    assertThat(map(files.get("outputs.tf").get("output")))
        .containsOnlyKeys("namespace", "service_name", "url");
  }

  @Test
  void aHostileDescriptionStaysOneStringAndAddsNoResource() throws Exception {
    ServiceProfile profile =
        Profiles.of(
            "evil\" { x", Profiles.HOSTILE, "javascript", "express", null, null, "package.json");
    Map<String, Map<String, Object>> files = parseAll(exporter.module(profile));
    Map<String, Object> main = files.get("main.tf");
    assertThat(map(main.get("resource")))
        .containsOnlyKeys(
            "kubernetes_deployment_v1", "kubernetes_service_v1", "kubernetes_ingress_v1");
    assertThat(main).containsOnlyKeys("locals", "resource");
    String literal = (String) at(main, "locals", "annotations", "shipyard.dev/description");
    // The template sequences are escaped, so Terraform reads them as text. hcl4j keeps the escape
    // as written ($${, %%{) where Terraform reads one $ or %: undo it, and it is the whole text.
    assertThat(literal).contains("$${file(").doesNotContain(" ${file(");
    assertThat(literal.replace("$${", "${").replace("%%{", "%{"))
        .isEqualTo(HelmExporter.description(profile));
    assertThat(at(files.get("variables.tf"), "variable", "name", "default")).isEqualTo("evil-x");
  }

  @Test
  void hclQuotingEscapesWhatWouldEndTheStringOrInterpolate() {
    assertThat(Hcl.quote("a\"b\\c\nd${x}%{y}$z%w\u0001"))
        .isEqualTo("\"a\\\"b\\\\c\\nd$${x}%%{y}$z%w\\u0001\"");
  }

  @Test
  void brokenHclFailsToParseSoTheCheckIsReal() {
    assertThatThrownBy(
            () -> new HCLParser().parse("resource \"a\" \"b\" {\n  x = \"unterminated\n}\n"))
        .isInstanceOf(Exception.class);
  }

  private static Map<String, Map<String, Object>> parseAll(CapsuleExport export) throws Exception {
    Map<String, Map<String, Object>> parsed = new LinkedHashMap<>();
    for (ExportedFile file : export.files()) {
      try {
        parsed.put(file.path(), new HCLParser().parse(file.content()));
      } catch (Exception e) {
        throw new AssertionError(file.path() + " does not parse:\n" + file.content(), e);
      }
    }
    return parsed;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }
}
