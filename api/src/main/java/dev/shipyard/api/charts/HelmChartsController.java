package dev.shipyard.api.charts;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shipyard.api.capsules.exports.CapsuleExport;
import dev.shipyard.api.capsules.exports.CapsuleExporter;
import dev.shipyard.api.capsules.versions.CapsuleVersions;
import dev.shipyard.api.error.DocumentedErrors;
import dev.shipyard.api.security.Caller;
import dev.shipyard.api.security.Secrets;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.charts.HelmChartValidationRequest;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * deployment-contracts.md {@code /api/helm-charts}: charts with their content (generated from
 * metadata, from a capsule's Helm export or a deployment's spec, or uploaded as a {@code .tgz}),
 * each version packaged into object storage and validated by a {@code HelmChartValidationWorkflow}
 * ({@code validating} → {@code valid}/{@code invalid} with helm's messages). A version is never
 * reused with other content (409). Bad input is refused in the family's shape before anything is
 * stored. Owner-scoped: another user's chart is 404.
 */
@RestController
class HelmChartsController {

  private static final Set<String> CREATE_FIELDS =
      Set.of(
          "name",
          "version",
          "description",
          "app_version",
          "image",
          "port",
          "capsule_id",
          "version_id",
          "deployment_id");
  private static final Set<String> UPDATE_FIELDS = Set.of("version", "description", "app_version");
  private static final int MAX_PER_PAGE = 100;
  private static final MediaType GZIP = MediaType.parseMediaType("application/gzip");
  private static final MediaType YAML = MediaType.parseMediaType("application/yaml");

  private final HelmChartStore store;
  private final HelmChartWorkflows workflows;
  private final BlobStore blobs;
  private final CapsuleVersions capsuleVersions;
  private final CapsuleExporter helmExporter;
  private final DatabaseClient db;

  HelmChartsController(
      HelmChartStore store,
      HelmChartWorkflows workflows,
      BlobStore blobs,
      CapsuleVersions capsuleVersions,
      List<CapsuleExporter> exporters,
      DatabaseClient db) {
    this.store = store;
    this.workflows = workflows;
    this.blobs = blobs;
    this.capsuleVersions = capsuleVersions;
    this.helmExporter =
        exporters.stream()
            .filter(e -> e.format().equals("helm"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("No helm exporter"));
    this.db = db;
  }

  @PostMapping(path = "/api/helm-charts", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('chart:write')")
  @DocumentedErrors({HttpStatus.NOT_FOUND, HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE})
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = HelmChartBodies.CreateRequest.class)))
  @ApiResponse(
      responseCode = "201",
      description = "stored; status validating",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = HelmChartBodies.HelmChart.class)))
  public Mono<ResponseEntity<HelmChartBodies.HelmChart>> create(
      @AuthenticationPrincipal Caller caller, @RequestBody JsonNode body) {
    object(body, CREATE_FIELDS);
    String name = HelmChartPackages.name(text(required(body, "name"), "name"), "name");
    String version =
        HelmChartPackages.version(text(required(body, "version"), "version"), "version");
    String description = optionalText(body, "description");
    if (description != null) {
      HelmChartPackages.description(description, "description");
    }
    String appVersion = optionalText(body, "app_version");
    if (appVersion != null) {
      HelmChartPackages.appVersion(appVersion, "app_version");
    }
    String capsuleId = optionalText(body, "capsule_id");
    String versionId = optionalText(body, "version_id");
    String deploymentId = optionalText(body, "deployment_id");
    String image = optionalText(body, "image");
    boolean hasPort = present(body, "port");
    if (capsuleId != null && deploymentId != null) {
      throw HelmChartErrors.invalid("capsule_id", "Give capsule_id or deployment_id, not both");
    }
    if (versionId != null && capsuleId == null) {
      throw HelmChartErrors.invalid("version_id", "version_id needs capsule_id");
    }
    if ((capsuleId != null || deploymentId != null) && (image != null || hasPort)) {
      throw HelmChartErrors.invalid(
          image != null ? "image" : "port",
          "image and port describe a chart made from metadata, not from a capsule or deployment");
    }
    Mono<HelmChartPackages.Chart> chart;
    String source;
    if (capsuleId != null) {
      source = "capsule";
      chart = fromCapsule(caller, capsuleId, versionId, name, version, description, appVersion);
    } else if (deploymentId != null) {
      source = "deployment";
      chart = fromDeployment(caller, deploymentId, name, version, description, appVersion);
    } else {
      source = "metadata";
      int port = hasPort ? port(body.get("port")) : 8080;
      String reference =
          image != null ? image(image) : name + ":" + (appVersion == null ? "latest" : appVersion);
      chart =
          Mono.just(
              HelmChartPackages.generate(
                  name, version, description, appVersion, reference, port, 1));
    }
    return chart
        .flatMap(c -> createChart(caller, c, source))
        .map(row -> ResponseEntity.status(HttpStatus.CREATED).body(body(row)));
  }

  @PostMapping(path = "/api/helm-charts", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @PreAuthorize("hasAuthority('chart:write')")
  @DocumentedErrors({HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE})
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
              schema = @Schema(implementation = HelmChartBodies.Upload.class)))
  @ApiResponse(
      responseCode = "201",
      description = "stored; status validating",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = HelmChartBodies.HelmChart.class)))
  public Mono<ResponseEntity<HelmChartBodies.HelmChart>> upload(
      @AuthenticationPrincipal Caller caller,
      @RequestBody Mono<MultiValueMap<String, Part>> parts) {
    return uploaded(parts)
        .flatMap(c -> createChart(caller, c, "upload"))
        .map(row -> ResponseEntity.status(HttpStatus.CREATED).body(body(row)));
  }

  @GetMapping("/api/helm-charts/{id}")
  @PreAuthorize("hasAuthority('chart:read')")
  public Mono<HelmChartBodies.HelmChart> get(
      @AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return require(caller, id).map(HelmChartsController::body);
  }

  @GetMapping("/api/helm-charts")
  @PreAuthorize("hasAuthority('chart:read')")
  @ApiResponse(
      responseCode = "200",
      description =
          "one page of the caller's charts, newest first; X-Total-Count, Link, Page"
              + " and PerPage headers",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              array =
                  @ArraySchema(schema = @Schema(implementation = HelmChartBodies.HelmChart.class))))
  public Mono<ResponseEntity<List<HelmChartBodies.HelmChart>>> list(
      @AuthenticationPrincipal Caller caller,
      @Parameter(description = "1 or more") @RequestParam(defaultValue = "1") int page,
      @Parameter(description = "1 to 100") @RequestParam(name = "per_page", defaultValue = "20")
          int perPage) {
    if (page < 1) {
      throw HelmChartErrors.invalid("page", "page must be 1 or more");
    }
    if (perPage < 1 || perPage > MAX_PER_PAGE) {
      throw HelmChartErrors.invalid("per_page", "per_page must be between 1 and " + MAX_PER_PAGE);
    }
    return store
        .count(caller)
        .flatMap(
            total ->
                store
                    .page(caller, page, perPage)
                    .map(HelmChartsController::body)
                    .collectList()
                    .map(
                        items ->
                            ResponseEntity.ok()
                                .headers(pagination(total, page, perPage))
                                .body(items)));
  }

  @PutMapping(path = "/api/helm-charts/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  @PreAuthorize("hasAuthority('chart:write')")
  @DocumentedErrors({HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE})
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON_VALUE,
              schema = @Schema(implementation = HelmChartBodies.UpdateRequest.class)))
  public Mono<HelmChartBodies.HelmChart> update(
      @AuthenticationPrincipal Caller caller, @PathVariable String id, @RequestBody JsonNode body) {
    object(body, UPDATE_FIELDS);
    if (!body.fieldNames().hasNext()) {
      throw HelmChartErrors.invalid(null, "Give version, description, app_version or several");
    }
    String version =
        present(body, "version")
            ? HelmChartPackages.version(text(body.get("version"), "version"), "version")
            : null;
    String description = optionalText(body, "description");
    if (description != null) {
      HelmChartPackages.description(description, "description");
    }
    String appVersion = optionalText(body, "app_version");
    if (appVersion != null) {
      HelmChartPackages.appVersion(appVersion, "app_version");
    }
    return require(caller, id)
        .flatMap(
            row ->
                load(row)
                    .map(c -> HelmChartPackages.rewrite(c, version, description, appVersion))
                    .flatMap(c -> updateChart(caller, row, c)));
  }

  @PutMapping(path = "/api/helm-charts/{id}", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  @PreAuthorize("hasAuthority('chart:write')")
  @DocumentedErrors({HttpStatus.CONFLICT, HttpStatus.SERVICE_UNAVAILABLE})
  @io.swagger.v3.oas.annotations.parameters.RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
              schema = @Schema(implementation = HelmChartBodies.Upload.class)))
  public Mono<HelmChartBodies.HelmChart> updateUpload(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String id,
      @RequestBody Mono<MultiValueMap<String, Part>> parts) {
    return require(caller, id)
        .flatMap(row -> uploaded(parts).flatMap(c -> updateChart(caller, row, c)));
  }

  @DeleteMapping("/api/helm-charts/{id}")
  @PreAuthorize("hasAuthority('chart:write')")
  public Mono<HelmChartBodies.Deleted> delete(
      @AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return require(caller, id)
        .flatMap(
            row ->
                store
                    .keys(row.id())
                    .collectList()
                    .flatMap(
                        keys ->
                            store
                                .delete(caller, row.id())
                                .then(
                                    Mono.fromRunnable(() -> keys.forEach(blobs::delete))
                                        .subscribeOn(Schedulers.boundedElastic())))
                    .thenReturn(
                        new HelmChartBodies.Deleted(
                            "Helm chart deleted successfully", row.id().toString())));
  }

  @GetMapping("/api/helm-charts/{id}/package")
  @PreAuthorize("hasAuthority('chart:read')")
  @ApiResponse(
      responseCode = "200",
      description = "the current version's packaged chart",
      content =
          @Content(
              mediaType = "application/gzip",
              schema = @Schema(type = "string", format = "binary")))
  public Mono<ResponseEntity<byte[]>> download(
      @AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return require(caller, id)
        .flatMap(
            row ->
                read(row.packageKey())
                    .map(
                        bytes ->
                            ResponseEntity.ok()
                                .contentType(GZIP)
                                .header(
                                    HttpHeaders.CONTENT_DISPOSITION,
                                    ContentDisposition.attachment()
                                        .filename(row.name() + "-" + row.version() + ".tgz")
                                        .build()
                                        .toString())
                                .body(bytes)));
  }

  @GetMapping("/api/helm-charts/{id}/rendered")
  @PreAuthorize("hasAuthority('chart:read')")
  @DocumentedErrors({HttpStatus.CONFLICT})
  @ApiResponse(
      responseCode = "200",
      description = "the manifests helm template rendered for the current version",
      content =
          @Content(
              mediaType = "application/yaml",
              schema = @Schema(type = "string", format = "binary")))
  public Mono<ResponseEntity<byte[]>> rendered(
      @AuthenticationPrincipal Caller caller, @PathVariable String id) {
    return require(caller, id)
        .flatMap(
            row -> {
              if (!row.rendered()) {
                return Mono.error(
                    HelmChartErrors.conflict(
                        "Chart "
                            + row.id()
                            + " version "
                            + row.version()
                            + " has no rendered manifests (status "
                            + row.status()
                            + ")"));
              }
              return read(row.renderedKey())
                  .map(bytes -> ResponseEntity.ok().contentType(YAML).body(bytes));
            });
  }

  // --- sources ---

  private Mono<HelmChartPackages.Chart> fromCapsule(
      Caller caller,
      String capsuleId,
      String versionId,
      String name,
      String version,
      String description,
      String appVersion) {
    return capsuleVersions
        .resolve(caller, capsuleId, versionId)
        .flatMap(helmExporter::export)
        .map(
            response -> {
              CapsuleExport export = (CapsuleExport) response.getBody();
              Map<String, String> files = new LinkedHashMap<>();
              export.files().forEach(f -> files.put(f.path(), f.content()));
              return HelmChartPackages.of(
                  files,
                  name,
                  version,
                  description,
                  appVersion == null ? export.chart().appVersion() : appVersion);
            });
  }

  private Mono<HelmChartPackages.Chart> fromDeployment(
      Caller caller,
      String deploymentId,
      String name,
      String version,
      String description,
      String appVersion) {
    UUID uuid = uuid(deploymentId, "Deployment");
    return db.sql(
            "SELECT image, port, replicas FROM deployments WHERE id = :id AND tenant_id = :tenant"
                + " AND owner_id = :owner AND deleted_at IS NULL")
        .bind("id", uuid)
        .bind("tenant", caller.tenantId())
        .bind("owner", caller.userId())
        .map(
            r ->
                HelmChartPackages.generate(
                    name,
                    version,
                    description,
                    appVersion,
                    r.get("image", String.class),
                    r.get("port", Integer.class),
                    r.get("replicas", Integer.class)))
        .one()
        .switchIfEmpty(Mono.error(() -> HelmChartErrors.notFound("Deployment", deploymentId)));
  }

  private Mono<HelmChartPackages.Chart> uploaded(Mono<MultiValueMap<String, Part>> parts) {
    return parts.flatMap(
        map -> {
          for (String key : map.keySet()) {
            if (!key.equals("chart")) {
              return Mono.error(
                  HelmChartErrors.invalid(
                      HelmChartErrors.clip(key),
                      "Unknown part '"
                          + HelmChartErrors.clip(key)
                          + "'; the upload has one part, chart"));
            }
          }
          List<Part> chart = map.getOrDefault("chart", List.of());
          if (chart.size() != 1 || !(chart.get(0) instanceof FilePart file)) {
            return Mono.error(
                HelmChartErrors.badRequest("chart", "The upload needs one file part named chart"));
          }
          return DataBufferUtils.join(file.content(), HelmChartPackages.MAX_PACKAGE_BYTES)
              .onErrorMap(
                  DataBufferLimitException.class,
                  e ->
                      HelmChartErrors.invalid(
                          "chart",
                          "The chart archive is over "
                              + HelmChartPackages.MAX_PACKAGE_BYTES
                              + " bytes"))
              .map(
                  buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                  })
              .defaultIfEmpty(new byte[0])
              .publishOn(Schedulers.boundedElastic())
              .map(HelmChartPackages::read);
        });
  }

  /** The current version's chart, read back from its package. */
  private Mono<HelmChartPackages.Chart> load(HelmChartStore.Row row) {
    return read(row.packageKey()).map(HelmChartPackages::read);
  }

  // --- writes ---

  private Mono<HelmChartStore.Row> createChart(
      Caller caller, HelmChartPackages.Chart chart, String source) {
    UUID id = Secrets.uuid();
    byte[] tgz = HelmChartPackages.pack(chart);
    HelmChartStore.NewVersion version = newVersion(id, chart, tgz);
    HelmChartValidationRequest request = request(caller, id, chart, version);
    return put(version.packageKey(), tgz)
        .then(
            store
                .insert(caller, id, chart.name(), source, version)
                .onErrorResume(e -> remove(version.packageKey()).then(Mono.error(e))))
        // the answer is the state the insert wrote (validating), read before the workflow can move
        // it
        .then(Mono.defer(() -> store.find(caller, id)))
        .flatMap(
            row ->
                workflows
                    .start(request)
                    .onErrorResume(
                        e ->
                            store.forget(id).then(remove(version.packageKey())).then(Mono.error(e)))
                    .thenReturn(row));
  }

  /**
   * A new current version, or, for a version that exists: the same content makes it current again
   * (nothing re-validated), other content is 409.
   */
  private Mono<HelmChartBodies.HelmChart> updateChart(
      Caller caller, HelmChartStore.Row row, HelmChartPackages.Chart chart) {
    if (!chart.name().equals(row.name())) {
      throw HelmChartErrors.invalid(
          "chart", "The archive holds chart " + chart.name() + ", not " + row.name());
    }
    byte[] tgz = HelmChartPackages.pack(chart);
    HelmChartStore.NewVersion version = newVersion(row.id(), chart, tgz);
    return store
        .version(row.id(), chart.version())
        .flatMap(
            existing -> {
              if (!existing.contentSha256().equals(version.contentSha256())) {
                return Mono.error(
                    HelmChartErrors.conflict(
                        "Version "
                            + chart.version()
                            + " of chart "
                            + row.name()
                            + " ("
                            + row.id()
                            + ") already exists with other content; give a new version"));
              }
              return store
                  .makeCurrent(row.id(), chart.version())
                  .then(Mono.defer(() -> require(caller, row.id().toString())));
            })
        .switchIfEmpty(
            Mono.defer(
                () ->
                    put(version.packageKey(), tgz)
                        .then(
                            store
                                .addVersion(caller, row.id(), version)
                                .onErrorResume(
                                    e -> remove(version.packageKey()).then(Mono.error(e))))
                        // answered as written (validating), read before the workflow starts
                        .then(Mono.defer(() -> require(caller, row.id().toString())))
                        .flatMap(
                            written ->
                                workflows
                                    .start(request(caller, row.id(), chart, version))
                                    .onErrorResume(
                                        e ->
                                            store
                                                .forgetVersion(
                                                    row.id(), chart.version(), row.version())
                                                .then(remove(version.packageKey()))
                                                .then(Mono.error(e)))
                                    .thenReturn(written))))
        .map(HelmChartsController::body);
  }

  private static HelmChartStore.NewVersion newVersion(
      UUID id, HelmChartPackages.Chart chart, byte[] tgz) {
    if (tgz.length > HelmChartPackages.MAX_PACKAGE_BYTES) {
      throw HelmChartErrors.invalid(
          "chart", "The packaged chart is over " + HelmChartPackages.MAX_PACKAGE_BYTES + " bytes");
    }
    String prefix = "helm-charts/" + id + "/" + chart.version() + "/";
    return new HelmChartStore.NewVersion(
        chart.version(),
        chart.description(),
        chart.appVersion(),
        HelmChartPackages.contentSha256(chart),
        prefix + chart.name() + "-" + chart.version() + ".tgz",
        tgz.length,
        prefix + "rendered.yaml");
  }

  private static HelmChartValidationRequest request(
      Caller caller, UUID id, HelmChartPackages.Chart chart, HelmChartStore.NewVersion version) {
    return new HelmChartValidationRequest(
        HelmChartValidationRequest.workflowId(id.toString(), chart.version()),
        id.toString(),
        chart.name(),
        chart.version(),
        caller.tenantId(),
        caller.userId().toString(),
        version.packageKey(),
        version.renderedKey());
  }

  private Mono<Void> put(String key, byte[] bytes) {
    return Mono.<Void>fromRunnable(
            () -> blobs.put(key, new ByteArrayInputStream(bytes), bytes.length, "application/gzip"))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Mono<Void> remove(String key) {
    return Mono.<Void>fromRunnable(() -> blobs.delete(key))
        .subscribeOn(Schedulers.boundedElastic());
  }

  private Mono<byte[]> read(String key) {
    return Mono.fromCallable(() -> blobs.get(key))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            found ->
                found
                    .map(Mono::just)
                    .orElseGet(() -> Mono.error(HelmChartErrors.notFound("Stored object", key))));
  }

  // --- reading requests ---

  private Mono<HelmChartStore.Row> require(Caller caller, String id) {
    UUID uuid;
    try {
      uuid = uuid(id, "Helm chart");
    } catch (RuntimeException e) {
      return Mono.error(e);
    }
    return store
        .find(caller, uuid)
        .switchIfEmpty(Mono.error(() -> HelmChartErrors.notFound("Helm chart", id)));
  }

  private static UUID uuid(String id, String what) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw HelmChartErrors.notFound(what, id);
    }
  }

  private static HttpHeaders pagination(long total, int page, int perPage) {
    long last = Math.max(1, (total + perPage - 1) / perPage);
    List<String> links = new ArrayList<>();
    links.add(link(1, perPage, "first"));
    if (page > 1) {
      links.add(link(Math.min(page - 1, last), perPage, "prev"));
    }
    if (page < last) {
      links.add(link(page + 1, perPage, "next"));
    }
    links.add(link(last, perPage, "last"));
    HttpHeaders headers = new HttpHeaders();
    headers.set("X-Total-Count", Long.toString(total));
    headers.set(HttpHeaders.LINK, String.join(", ", links));
    headers.set("Page", Integer.toString(page));
    headers.set("PerPage", Integer.toString(perPage));
    return headers;
  }

  private static String link(long page, int perPage, String rel) {
    return "</api/helm-charts?page=" + page + "&per_page=" + perPage + ">; rel=\"" + rel + "\"";
  }

  private static HelmChartBodies.HelmChart body(HelmChartStore.Row r) {
    return new HelmChartBodies.HelmChart(
        r.id().toString(),
        r.name(),
        r.version(),
        r.description(),
        r.appVersion(),
        r.source(),
        r.createdAt().toInstant().toString(),
        r.lastUpdated() == null ? null : r.lastUpdated().toInstant().toString(),
        r.status(),
        r.messages());
  }

  private static void object(JsonNode body, Set<String> fields) {
    if (body == null || !body.isObject()) {
      throw HelmChartErrors.badRequest(null, "The body must be a JSON object");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        String clipped = HelmChartErrors.clip(name);
        throw HelmChartErrors.invalid(clipped, "Unknown field '" + clipped + "'");
      }
    }
  }

  private static boolean present(JsonNode body, String field) {
    JsonNode node = body.get(field);
    return node != null && !node.isNull();
  }

  private static JsonNode required(JsonNode body, String field) {
    if (!present(body, field)) {
      throw HelmChartErrors.invalid(field, field + " is required");
    }
    return body.get(field);
  }

  private static String text(JsonNode node, String field) {
    if (node == null || !node.isTextual()) {
      throw HelmChartErrors.invalid(field, field + " must be a string");
    }
    return node.asText();
  }

  private static String optionalText(JsonNode body, String field) {
    return present(body, field) ? text(body.get(field), field) : null;
  }

  private static int port(JsonNode node) {
    if (!node.isIntegralNumber()
        || !node.canConvertToInt()
        || node.asInt() < 1
        || node.asInt() > 65535) {
      throw HelmChartErrors.invalid("port", "port must be an integer from 1 to 65535");
    }
    return node.asInt();
  }

  private static String image(String image) {
    if (image.isEmpty()
        || image.length() > 512
        || !image.matches("[a-z0-9]+(?:[._/:@-][A-Za-z0-9_]+)*(?:[.-][A-Za-z0-9_]+)*")) {
      throw HelmChartErrors.invalid(
          "image", "image '" + HelmChartErrors.clip(image) + "' is not an image reference");
    }
    return image;
  }
}
