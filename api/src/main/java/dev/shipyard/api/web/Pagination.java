package dev.shipyard.api.web;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import org.springframework.http.HttpStatus;

/**
 * Page-number pagination as container-engine-api.md documents it: {@code page} from 1, {@code
 * limit} from 1 to 100 (default 10), answered with {@code {page, limit, total, total_pages}}.
 */
public record Pagination(int page, int limit) {

  public static final int MAX_LIMIT = 100;

  /** Checks the query parameters; out-of-range values answer 400 naming the parameter. */
  public static Pagination of(Integer page, Integer limit) {
    int p = page == null ? 1 : page;
    int l = limit == null ? 10 : limit;
    if (p < 1) {
      throw new ApiException(
          new ApiError(
              HttpStatus.BAD_REQUEST, "VALIDATION_ERROR", "page must be 1 or more", "page"));
    }
    if (l < 1 || l > MAX_LIMIT) {
      throw new ApiException(
          new ApiError(
              HttpStatus.BAD_REQUEST,
              "VALIDATION_ERROR",
              "limit must be between 1 and " + MAX_LIMIT,
              "limit"));
    }
    return new Pagination(p, l);
  }

  public long offset() {
    return (long) (page - 1) * limit;
  }

  public Page describe(long total) {
    return new Page(page, limit, total, (total + limit - 1) / limit);
  }

  /** Where a page sits in the whole list, as answered. */
  public record Page(
      int page, int limit, long total, @JsonProperty("total_pages") long totalPages) {}
}
