package dev.shipyard.api.v2;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The v2 response envelope of api-v2-guide.md: success, version, timestamp, request_id, data,
 * errors, warnings, links and meta, on every v2 response, errors included.
 */
public record ApiResponse(
    boolean success,
    String version,
    String timestamp,
    String requestId,
    Object data,
    List<Map<String, Object>> errors,
    List<String> warnings,
    List<Link> links,
    Map<String, Object> meta) {

  /** The version every v2 response carries. */
  public static final String VERSION = "2.0.0";

  /** A hypermedia link of the envelope. */
  public record Link(String href, String rel, String method) {}

  public static ApiResponse ok(
      String requestId, Object data, List<Link> links, Map<String, Object> meta) {
    return new ApiResponse(
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

  public static ApiResponse failure(
      String requestId, Instant now, List<Map<String, Object>> errors) {
    return new ApiResponse(
        false, VERSION, now.toString(), requestId, null, errors, List.of(), List.of(), Map.of());
  }

  /** This envelope turned into a failure carrying {@code errors} (its data and links kept). */
  public ApiResponse failed(List<Map<String, Object>> errors) {
    return new ApiResponse(
        false, version, timestamp, requestId, data, errors, warnings, links, meta);
  }

  /** The envelope as an ordered map with the documented snake_case keys. */
  public Map<String, Object> toMap() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", success);
    body.put("version", version);
    body.put("timestamp", timestamp);
    body.put("request_id", requestId);
    body.put("data", data);
    body.put("errors", errors);
    body.put("warnings", warnings);
    body.put("links", links);
    body.put("meta", meta);
    return body;
  }
}
