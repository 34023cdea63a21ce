package dev.shipyard.activities.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shipyard.activities.codegen.SourceFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A CycloneDX 1.5 JSON bill of materials of the dependencies a project <em>declares</em> ({@code
 * pom.xml} {@code <dependencies>}, {@code package.json} {@code dependencies}, {@code
 * requirements.txt} lines), with package URLs. Declared, not resolved: Maven versions managed by a
 * parent and npm ranges are given as written. Deterministic (no timestamp; the serial number
 * derives from the content), so the image that holds it stays reproducible.
 */
final class CycloneDxSbom {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Pattern REQUIREMENT =
      Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)(\\[[^\\]]*\\])?\\s*(.*)$");

  private CycloneDxSbom() {}

  /** A declared dependency. */
  record Component(String ecosystem, String group, String name, String version, String scope) {

    String purl() {
      String exact = version == null || !isExact(version) ? "" : "@" + version;
      return switch (ecosystem) {
        case "maven" -> "pkg:maven/" + group + "/" + name + exact;
        case "npm" -> "pkg:npm/" + name.replace("@", "%40") + exact;
        default -> "pkg:pypi/" + name.toLowerCase(java.util.Locale.ROOT) + exact;
      };
    }

    private static boolean isExact(String v) {
      return v.matches("[0-9A-Za-z.+_-]+") && !v.startsWith("$");
    }
  }

  /** The declared dependencies of the project's manifests; empty when it has none. */
  static List<Component> components(List<SourceFile> files) throws IOException {
    List<Component> out = new ArrayList<>();
    for (SourceFile f : files) {
      switch (f.path()) {
        case "pom.xml" -> out.addAll(maven(f.content()));
        case "package.json" -> out.addAll(npm(f.content()));
        case "requirements.txt" -> out.addAll(pypi(f.content()));
        default -> {}
      }
    }
    out.sort(Comparator.comparing(Component::purl).thenComparing(c -> String.valueOf(c.version)));
    return out;
  }

  /** The document, or null when no manifest of the project declares anything. */
  static byte[] document(List<SourceFile> files, String capsuleId, int version) throws IOException {
    boolean hasManifest =
        files.stream()
            .anyMatch(
                f ->
                    f.path().equals("pom.xml")
                        || f.path().equals("package.json")
                        || f.path().equals("requirements.txt"));
    if (!hasManifest) {
      return null;
    }
    List<Component> components = components(files);
    ObjectNode doc = JSON.createObjectNode();
    doc.put("bomFormat", "CycloneDX");
    doc.put("specVersion", "1.5");
    doc.put("version", 1);
    ObjectNode metadata = doc.putObject("metadata");
    ObjectNode tool = metadata.putObject("tools").putArray("components").addObject();
    tool.put("type", "application");
    tool.put("name", "shipyard-images");
    ObjectNode subject = metadata.putObject("component");
    subject.put("type", "application");
    subject.put("bom-ref", "capsule:" + capsuleId);
    subject.put("name", capsuleId);
    subject.put("version", String.valueOf(version));
    ArrayNode list = doc.putArray("components");
    for (Component c : components) {
      ObjectNode node = list.addObject();
      node.put("type", "library");
      node.put("bom-ref", c.purl() + (c.version == null ? "" : "#" + c.version));
      if (c.group != null) {
        node.put("group", c.group);
      }
      node.put("name", c.name);
      if (c.version != null) {
        node.put("version", c.version);
      }
      node.put("scope", c.scope);
      node.put("purl", c.purl());
    }
    byte[] body = JSON.writeValueAsBytes(doc);
    doc.put("serialNumber", "urn:uuid:" + UUID.nameUUIDFromBytes(body));
    return JSON.writeValueAsBytes(doc);
  }

  private static List<Component> maven(String pom) throws IOException {
    List<Component> out = new ArrayList<>();
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setExpandEntityReferences(false);
      Element project =
          factory
              .newDocumentBuilder()
              .parse(new ByteArrayInputStream(pom.getBytes(StandardCharsets.UTF_8)))
              .getDocumentElement();
      for (Element deps : children(project, "dependencies")) {
        for (Element dep : children(deps, "dependency")) {
          String scope = text(dep, "scope");
          out.add(
              new Component(
                  "maven",
                  text(dep, "groupId"),
                  text(dep, "artifactId"),
                  text(dep, "version"),
                  "test".equals(scope) || "provided".equals(scope) ? "optional" : "required"));
        }
      }
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("pom.xml cannot be read: " + e.getMessage(), e);
    }
    return out;
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      if (nodes.item(i) instanceof Element e && e.getTagName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  private static String text(Element parent, String name) {
    List<Element> found = children(parent, name);
    return found.isEmpty() ? null : found.get(0).getTextContent().trim();
  }

  private static List<Component> npm(String packageJson) throws IOException {
    List<Component> out = new ArrayList<>();
    JsonNode root = JSON.readTree(packageJson);
    for (String section : List.of("dependencies", "devDependencies")) {
      for (Map.Entry<String, JsonNode> e : root.path(section).properties()) {
        out.add(
            new Component(
                "npm",
                null,
                e.getKey(),
                e.getValue().asText(),
                section.equals("dependencies") ? "required" : "optional"));
      }
    }
    return out;
  }

  private static List<Component> pypi(String requirements) {
    List<Component> out = new ArrayList<>();
    for (String raw : requirements.split("\n")) {
      String line = raw.replaceAll("#.*", "").trim();
      if (line.isEmpty() || line.startsWith("-")) {
        continue; // options and includes (-r, -e, --index-url) are not packages
      }
      line = line.split(";", 2)[0].trim(); // environment markers
      Matcher m = REQUIREMENT.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String spec = m.group(3).trim();
      String version = spec.startsWith("==") ? spec.substring(2).trim() : spec;
      out.add(
          new Component("pypi", null, m.group(1), version.isEmpty() ? null : version, "required"));
    }
    return out;
  }
}
