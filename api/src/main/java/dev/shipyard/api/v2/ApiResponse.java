package dev.shipyard.api.v2;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.error.ErrorBodies;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * The v2 response envelope of api-v2-guide.md: success, version, timestamp, request_id, data,
 * errors, warnings, links and meta, on every v2 response, errors included.
 *
 * @param <T> the type of {@code data}
 */
public record ApiResponse<T>(
    boolean success,
    String version,
    String timestamp,
    @JsonProperty("request_id") String requestId,
    @Schema(nullable = true, description = "the payload; null in a failure") T data,
    List<ErrorBodies.V2Error> errors,
    List<String> warnings,
    List<Link> links,
    Meta meta) {

  /** The version every v2 response carries. */
  public static final String VERSION = "2.0.0";

  /** A hypermedia link of the envelope. */
  @Schema(name = "V2Link")
  public record Link(String href, String rel, String method) {}

  /** The envelope's {@code meta}: {@code {}}, or the pagination of a list. */
  @Schema(name = "V2Meta")
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Meta(Pagination pagination) {
    public static final Meta NONE = new Meta(null);
  }

  /** api-v2-guide.md pagination. */
  @Schema(name = "V2Pagination")
  public record Pagination(
      long total,
      int page,
      @JsonProperty("per_page") int perPage,
      long pages,
      @JsonProperty("has_next") boolean hasNext,
      @JsonProperty("has_prev") boolean hasPrev,
      @JsonProperty("sort_by") String sortBy,
      @JsonProperty("sort_order") String sortOrder) {}

  public static <T> ApiResponse<T> ok(String requestId, T data, List<Link> links, Meta meta) {
    return new ApiResponse<>(
        true,
        VERSION,
        Instant.now().toString(),
        requestId,
        data,
        List.of(),
        List.of(),
        links,
        meta);
  }

  public static ApiResponse<Object> failure(
      String requestId, Instant now, List<ErrorBodies.V2Error> errors) {
    return new ApiResponse<>(
        false, VERSION, now.toString(), requestId, null, errors, List.of(), List.of(), Meta.NONE);
  }

  /** This envelope turned into a failure carrying {@code errors} (its data and links kept). */
  public ApiResponse<T> failed(List<ErrorBodies.V2Error> errors) {
    return new ApiResponse<>(
        false, version, timestamp, requestId, data, errors, warnings, links, meta);
  }
}
