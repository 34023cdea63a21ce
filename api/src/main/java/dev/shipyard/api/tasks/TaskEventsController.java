package dev.shipyard.api.tasks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.api.error.ApiError;
import dev.shipyard.api.error.ApiException;
import dev.shipyard.api.error.ApiFamily;
import dev.shipyard.api.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The progress events of a build or an analysis, in pages, so a client catches up on what it
 * missed: {@code GET /api/build/{task_id}/events?after=<seq>} and {@code GET
 * /api/analysis/{analysis_id}/events?after=<seq>} (beyond builds-analysis-api.md). The owner or an
 * admin of the tenant only; anyone else gets 404, as for a task that does not exist.
 */
@RestController
class TaskEventsController {

  static final int DEFAULT_LIMIT = 100;

  private final TaskEventStore store;

  TaskEventsController(TaskEventStore store) {
    this.store = store;
  }

  /** One progress event. */
  @Schema(name = "TaskEvent", description = "One progress event of a build or an analysis")
  record TaskEventBody(
      @Schema(description = "per-task sequence number: 1, 2, ... without gaps") long seq,
      @Schema(allowableValues = {"progress", "completion", "error"}) String type,
      @Schema(description = "initializing, running, completed, failed or cancelled") String status,
      @Schema(description = "0 to 100") int progress,
      @Schema(nullable = true, description = "the current step") String step,
      @Schema(nullable = true) String message,
      @Schema(
              description =
                  "the event's data (progress), results (completion) or error fields (error)")
          Map<String, Object> data,
      Instant timestamp) {

    static TaskEventBody of(TaskEvent e) {
      return new TaskEventBody(
          e.seq(), e.type(), e.status(), e.progress(), e.step(), e.message(), e.data(), e.at());
    }
  }

  /** A page of events after a sequence number. */
  @Schema(name = "TaskEvents", description = "Progress events of a task after a sequence number")
  record TaskEventsPage(
      @JsonProperty("task_id") String taskId,
      List<TaskEventBody> events,
      @JsonProperty("next_after")
          @Schema(description = "the 'after' of the next page: the last seq of this one")
          long nextAfter,
      @JsonProperty("has_more") @Schema(description = "whether more events follow this page")
          boolean hasMore) {}

  @GetMapping("/api/build/{task_id}/events")
  @PreAuthorize("hasAuthority('build:read')")
  @Operation(summary = "Progress events of a build after a sequence number")
  public Mono<TaskEventsPage> buildEvents(
      @AuthenticationPrincipal Caller caller,
      @PathVariable("task_id") String taskId,
      @Parameter(description = "return events with seq above this (default 0: from the first)")
          @RequestParam(required = false)
          Long after,
      @Parameter(description = "events per page, 1 to 500 (default 100)")
          @RequestParam(required = false)
          Integer limit) {
    return events(TaskKind.BUILD, caller, taskId, after, limit);
  }

  @GetMapping("/api/analysis/{analysis_id}/events")
  @PreAuthorize("hasAuthority('analysis:read')")
  @Operation(summary = "Progress events of an analysis after a sequence number")
  public Mono<TaskEventsPage> analysisEvents(
      @AuthenticationPrincipal Caller caller,
      @PathVariable("analysis_id") String analysisId,
      @Parameter(description = "return events with seq above this (default 0: from the first)")
          @RequestParam(required = false)
          Long after,
      @Parameter(description = "events per page, 1 to 500 (default 100)")
          @RequestParam(required = false)
          Integer limit) {
    return events(TaskKind.ANALYSIS, caller, analysisId, after, limit);
  }

  private Mono<TaskEventsPage> events(
      TaskKind kind, Caller caller, String rawId, Long after, Integer limit) {
    long from = validAfter(after);
    int size = limit == null ? DEFAULT_LIMIT : limit;
    if (size < 1 || size > TaskEventStore.MAX_PAGE) {
      throw new ApiException(
          ApiError.validation(
              ApiFamily.BUILDS.validationStatus(),
              "limit",
              "limit: must be between 1 and " + TaskEventStore.MAX_PAGE));
    }
    UUID id = taskId(kind, rawId);
    return visible(store, kind, caller, id)
        .then(
            Mono.defer(
                () ->
                    store
                        .after(kind, id, from, size + 1)
                        .map(TaskEventBody::of)
                        .collectList()
                        .map(
                            found -> {
                              boolean more = found.size() > size;
                              List<TaskEventBody> page = more ? found.subList(0, size) : found;
                              long next = page.isEmpty() ? from : page.get(page.size() - 1).seq();
                              return new TaskEventsPage(id.toString(), page, next, more);
                            })));
  }

  /** {@code after}: absent (0) or at least 0; else 400. */
  static long validAfter(Long after) {
    if (after == null) {
      return 0;
    }
    if (after < 0) {
      throw new ApiException(
          ApiError.validation(
              ApiFamily.BUILDS.validationStatus(), "after", "after: must be 0 or more"));
    }
    return after;
  }

  /** The task ID, or 404 for a value that cannot be one. */
  static UUID taskId(TaskKind kind, String raw) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw notFound(kind);
    }
  }

  static ApiException notFound(TaskKind kind) {
    return new ApiException(HttpStatus.NOT_FOUND, "NOT_FOUND", kind.noun() + " task not found");
  }

  /** Completes when {@code caller} may see the task (its owner or an admin of its tenant); 404. */
  static Mono<Void> visible(TaskEventStore store, TaskKind kind, Caller caller, UUID id) {
    return store
        .owner(kind, id)
        .filter(owner -> caller.canSee(owner.tenantId(), owner.ownerId()))
        .switchIfEmpty(Mono.error(() -> notFound(kind)))
        .then();
  }
}
