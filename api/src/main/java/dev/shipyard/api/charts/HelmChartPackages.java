package dev.shipyard.api.charts;

import dev.shipyard.storage.archive.ArchivePathException;
import dev.shipyard.storage.archive.TarGzReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Packaged charts as the API handles them: the naming rules, reading an upload (bounded and safe,
 * {@link TarGzReader}), the minimal chart generated from metadata, rewriting {@code Chart.yaml},
 * and writing a {@code .tgz} the way {@code helm package} lays it out ({@code <name>/...}),
 * byte-for-byte reproducible (fixed times and modes, sorted entries).
 */
final class HelmChartPackages {

  /**
   * Helm's chart name rule (Chart best practices, "Chart Names", helm 3.22, which {@code helm lint}
   * checks): a DNS-1123 label, lower-case letters, digits and dashes, starting and ending with a
   * letter or digit, at most 63 characters.
   */
  static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");

  static final int MAX_NAME = 63;

  /** SemVer 2.0.0 (semver.org's regular expression), without a leading {@code v}. */
  static final Pattern SEMVER =
      Pattern.compile(
          "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)"
              + "(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
              + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

  static final int MAX_VERSION = 128;

  static final int MAX_DESCRIPTION = 500;

  /** The packaged (compressed) size an upload may have. */
  static final int MAX_PACKAGE_BYTES = 1024 * 1024;

  /** A chart's files, relative to its directory (no {@code <name>/} prefix), sorted. */
  record Chart(
      String name,
      String version,
      String description,
      String appVersion,
      Map<String, byte[]> files) {}

  private HelmChartPackages() {}

  static String name(String name, String field) {
    if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
      throw HelmChartErrors.invalid(
          field,
          field
              + " '"
              + HelmChartErrors.clip(name)
              + "' is not a chart name: 1 to "
              + MAX_NAME
              + " lower-case letters, digits or '-', starting and ending with a letter or digit");
    }
    return name;
  }

  static String version(String version, String field) {
    if (version.length() > MAX_VERSION || !SEMVER.matcher(version).matches()) {
      throw HelmChartErrors.invalid(
          field,
          field
              + " '"
              + HelmChartErrors.clip(version)
              + "' is not a SemVer 2 version (MAJOR.MINOR.PATCH[-pre][+build], no leading v)");
    }
    return version;
  }

  static String description(String text, String field) {
    if (text.length() > MAX_DESCRIPTION || text.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
      throw HelmChartErrors.invalid(
          field, field + " must be one line of at most " + MAX_DESCRIPTION + " characters");
    }
    return text;
  }

  static String appVersion(String text, String field) {
    if (text.isEmpty() || text.length() > 64 || !text.matches("[0-9A-Za-z._+-]+")) {
      throw HelmChartErrors.invalid(
          field, field + " must be 1 to 64 letters, digits, '.', '_', '+' or '-'");
    }
    return text;
  }

  /**
   * Reads an uploaded package: refused (422, field {@code chart}) when it is over {@link
   * #MAX_PACKAGE_BYTES}, not a gzipped tar, unsafe (traversal, links, bounds: {@link TarGzReader}),
   * not in one top-level directory or without a readable {@code Chart.yaml} whose name and version
   * follow the rules.
   */
  static Chart read(byte[] archive) {
    if (archive.length > MAX_PACKAGE_BYTES) {
      throw HelmChartErrors.invalid(
          "chart", "The chart archive is over " + MAX_PACKAGE_BYTES + " bytes");
    }
    Map<String, byte[]> entries;
    try {
      entries = TarGzReader.read(archive, TarGzReader.Limits.HELM_CHART);
    } catch (ArchivePathException e) {
      throw HelmChartErrors.invalid("chart", "The chart archive is refused: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      throw HelmChartErrors.invalid("chart", "The chart is not a gzipped tar archive (.tgz)");
    }
    String top = null;
    Map<String, byte[]> files = new TreeMap<>();
    for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
      String path = entry.getKey();
      int slash = path.indexOf('/');
      String dir = slash < 0 ? "" : path.substring(0, slash);
      if (dir.isEmpty() || (top != null && !top.equals(dir))) {
        throw HelmChartErrors.invalid(
            "chart",
            "A packaged chart keeps every file in one top-level directory; '"
                + HelmChartErrors.clip(path)
                + "' does not");
      }
      top = dir;
      files.put(path.substring(slash + 1), entry.getValue());
    }
    if (!files.containsKey("Chart.yaml")) {
      throw HelmChartErrors.invalid("chart", "The chart archive has no <chart>/Chart.yaml");
    }
    Map<String, Object> yaml = chartYaml(files.get("Chart.yaml"));
    String name = name(string(yaml, "name"), "Chart.yaml name");
    String version = version(string(yaml, "version"), "Chart.yaml version");
    if (!name.equals(top)) {
      throw HelmChartErrors.invalid(
          "chart",
          "The archive's directory '"
              + HelmChartErrors.clip(top)
              + "' is not the chart name "
              + name);
    }
    Object description = yaml.get("description");
    Object appVersion = yaml.get("appVersion");
    return new Chart(
        name,
        version,
        description == null ? null : String.valueOf(description),
        appVersion == null ? null : String.valueOf(appVersion),
        files);
  }

  /**
   * The chart with {@code Chart.yaml}'s version, description and appVersion replaced (null keeps
   * the current one).
   */
  static Chart rewrite(Chart chart, String version, String description, String appVersion) {
    Map<String, Object> yaml = chartYaml(chart.files().get("Chart.yaml"));
    String v = version == null ? chart.version() : version;
    String d = description == null ? chart.description() : description;
    String a = appVersion == null ? chart.appVersion() : appVersion;
    yaml.put("version", v);
    if (d != null) {
      yaml.put("description", d);
    }
    if (a != null) {
      yaml.put("appVersion", a);
    }
    Map<String, byte[]> files = new TreeMap<>(chart.files());
    files.put("Chart.yaml", dump(yaml));
    return new Chart(chart.name(), v, d, a, files);
  }

  /** A chart's files, relative to the chart directory, with Chart.yaml rewritten as given. */
  static Chart of(
      Map<String, String> textFiles,
      String name,
      String version,
      String description,
      String appVersion) {
    Map<String, byte[]> files = new TreeMap<>();
    textFiles.forEach((path, text) -> files.put(path, text.getBytes(StandardCharsets.UTF_8)));
    Map<String, Object> yaml = chartYaml(files.get("Chart.yaml"));
    yaml.put("name", name);
    return rewrite(
        new Chart(name, version, null, null, withChartYaml(files, yaml)),
        version,
        description,
        appVersion);
  }

  /**
   * The minimal valid chart of {@code name}: a Deployment and a Service of {@code image} listening
   * on {@code port} with {@code replicas} replicas. The templates are fixed text that only read
   * values; the values and Chart.yaml are written by the YAML emitter, so no input can break them.
   */
  static Chart generate(
      String name,
      String version,
      String description,
      String appVersion,
      String image,
      int port,
      int replicas) {
    Map<String, Object> chartYaml = new LinkedHashMap<>();
    chartYaml.put("apiVersion", "v2");
    chartYaml.put("name", name);
    chartYaml.put(
        "description",
        description == null ? "The " + name + " chart, made by Shipyard" : description);
    chartYaml.put("type", "application");
    chartYaml.put("version", version);
    if (appVersion != null) {
      chartYaml.put("appVersion", appVersion);
    }
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("replicaCount", replicas);
    values.put(
        "image", new LinkedHashMap<>(Map.of("reference", image, "pullPolicy", "IfNotPresent")));
    Map<String, Object> service = new LinkedHashMap<>();
    service.put("type", "ClusterIP");
    service.put("port", 80);
    service.put("targetPort", port);
    values.put("service", service);
    Map<String, byte[]> files = new TreeMap<>();
    files.put("Chart.yaml", dump(chartYaml));
    files.put("values.yaml", dump(values));
    files.put("templates/_helpers.tpl", text(HELPERS));
    files.put("templates/deployment.yaml", text(DEPLOYMENT));
    files.put("templates/service.yaml", text(SERVICE));
    return new Chart(name, version, (String) chartYaml.get("description"), appVersion, files);
  }

  /**
   * The digest of the chart's content: every file's path and bytes, in path order. Two packages of
   * the same files have the same digest whatever their archive metadata.
   */
  static String contentSha256(Chart chart) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> file : new TreeMap<>(chart.files()).entrySet()) {
        byte[] path = file.getKey().getBytes(StandardCharsets.UTF_8);
        digest.update(longBytes(path.length));
        digest.update(path);
        digest.update(longBytes(file.getValue().length));
        digest.update(file.getValue());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The {@code .tgz}: {@code <name>/<path>} entries, sorted, mode 0644, a fixed time. */
  static byte[] pack(Chart chart) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, byte[]> file : new TreeMap<>(chart.files()).entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(chart.name() + "/" + file.getKey());
        entry.setSize(file.getValue().length);
        entry.setMode(0100644);
        entry.setModTime(946684800000L);
        tar.putArchiveEntry(entry);
        tar.write(file.getValue());
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static Map<String, byte[]> withChartYaml(
      Map<String, byte[]> files, Map<String, Object> yaml) {
    Map<String, byte[]> copy = new TreeMap<>(files);
    copy.put("Chart.yaml", dump(yaml));
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> chartYaml(byte[] bytes) {
    Object loaded;
    try {
      loaded =
          new Yaml(new SafeConstructor(new LoaderOptions()))
              .load(new String(bytes, StandardCharsets.UTF_8));
    } catch (YAMLException e) {
      throw HelmChartErrors.invalid("chart", "Chart.yaml is not valid YAML");
    }
    if (!(loaded instanceof Map<?, ?> map)) {
      throw HelmChartErrors.invalid("chart", "Chart.yaml is not a YAML mapping");
    }
    return new LinkedHashMap<>((Map<String, Object>) map);
  }

  private static String string(Map<String, Object> yaml, String key) {
    Object value = yaml.get(key);
    if (!(value instanceof String s)) {
      throw HelmChartErrors.invalid("chart", "Chart.yaml has no " + key + " string");
    }
    return s;
  }

  private static byte[] dump(Map<String, Object> yaml) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setWidth(Integer.MAX_VALUE);
    return new Yaml(options).dump(yaml).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] longBytes(long value) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) value;
      value >>>= 8;
    }
    return b;
  }

  static final List<String> TEMPLATES = List.of("_helpers.tpl", "deployment.yaml", "service.yaml");

  private static final String HELPERS =
      """
      {{/* The name of every object: release and chart, at most 63 characters. */}}
      {{- define "chart.fullname" -}}
      {{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
      {{- end -}}

      {{/* The labels of every object. */}}
      {{- define "chart.labels" -}}
      app.kubernetes.io/name: {{ .Chart.Name }}
      app.kubernetes.io/instance: {{ .Release.Name }}
      app.kubernetes.io/managed-by: {{ .Release.Service }}
      helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
      {{- end -}}

      {{/* The selector of the pods. */}}
      {{- define "chart.selector" -}}
      app.kubernetes.io/name: {{ .Chart.Name }}
      app.kubernetes.io/instance: {{ .Release.Name }}
      {{- end -}}
      """;

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: {{ include "chart.fullname" . }}
        labels:
          {{- include "chart.labels" . | nindent 4 }}
      spec:
        replicas: {{ .Values.replicaCount }}
        selector:
          matchLabels:
            {{- include "chart.selector" . | nindent 6 }}
        template:
          metadata:
            labels:
              {{- include "chart.selector" . | nindent 8 }}
          spec:
            containers:
              - name: {{ .Chart.Name }}
                image: {{ .Values.image.reference | quote }}
                imagePullPolicy: {{ .Values.image.pullPolicy }}
                ports:
                  - name: http
                    containerPort: {{ .Values.service.targetPort }}
                    protocol: TCP
      """;

  private static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: {{ include "chart.fullname" . }}
        labels:
          {{- include "chart.labels" . | nindent 4 }}
      spec:
        type: {{ .Values.service.type }}
        selector:
          {{- include "chart.selector" . | nindent 4 }}
        ports:
          - name: http
            port: {{ .Values.service.port }}
            targetPort: http
            protocol: TCP
      """;
}
