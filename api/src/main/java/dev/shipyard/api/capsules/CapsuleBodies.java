package dev.shipyard.api.capsules;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.shipyard.workflows.capsules.Iteration;
import dev.shipyard.workflows.capsules.Preview;
import dev.shipyard.workflows.capsules.ProjectPlan;
import dev.shipyard.workflows.capsules.ValidationReport;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Optional;

/** The response bodies of the capsules API (capsules-api.md) and of v2 capsules. */
final class CapsuleBodies {

  private CapsuleBodies() {}

  /** capsules-api.md §1: a generation that ended within the synchronous wait. */
  @Schema(name = "GeneratedCapsule")
  record Generated(
      @JsonProperty("capsule_id") String capsuleId,
      @JsonProperty("request_id") String requestId,
      @JsonProperty("robust_generation") boolean robustGeneration,
      @JsonProperty("refinement_iterations") int refinementIterations,
      Validation validation,
      @JsonProperty("files_generated") int filesGenerated,
      @JsonProperty("confidence_score") double confidenceScore,
      List<String> languages,
      Preview preview) {}

  /** A generation still running after the synchronous wait: where to follow it. */
  @Schema(name = "GenerationAccepted")
  record Accepted(
      @JsonProperty("capsule_id") String capsuleId,
      @JsonProperty("request_id") String requestId,
      String status,
      @JsonProperty("job_id") String jobId,
      @JsonProperty("status_url") String statusUrl,
      @JsonProperty("progress_url") String progressUrl) {}

  /** capsules-api.md {@code validation}: the stored report minus the per-check detail. */
  @Schema(name = "CapsuleValidation")
  record Validation(
      boolean passed,
      double score,
      @JsonProperty("production_ready") boolean productionReady,
      List<String> issues,
      List<String> recommendations) {

    static Validation of(ValidationReport report) {
      return new Validation(
          report.passed(),
          report.score(),
          report.productionReady(),
          report.issues(),
          report.recommendations());
    }
  }

  /** capsules-api.md §2, plus the status details a poller needs. */
  @Schema(name = "CapsuleDetails")
  record Details(
      String id,
      @JsonProperty("request_id") String requestId,
      @JsonProperty("tenant_id") String tenantId,
      @JsonProperty("user_id") String userId,
      @Schema(
              allowableValues = {
                "queued",
                "planning",
                "generating",
                "validating",
                "refining",
                "storing",
                "stored",
                "failed",
                "cancelled"
              })
          String status,
      @JsonProperty("file_count") int fileCount,
      @JsonProperty("total_size_bytes") long totalSizeBytes,
      @JsonProperty("confidence_score") @Schema(nullable = true) Double confidenceScore,
      @JsonProperty("created_at") String createdAt,
      @JsonProperty("updated_at") String updatedAt,
      DetailsMetadata metadata,
      @Schema(nullable = true, description = "null until validated") Validation validation,
      @Schema(nullable = true, description = "null until stored") Preview preview,
      @JsonProperty("refinement_iterations") int refinementIterations,
      @Schema(nullable = true, description = "why it failed or was cancelled") String error) {}

  @Schema(name = "CapsuleDetailsMetadata")
  record DetailsMetadata(
      List<String> languages,
      List<String> frameworks,
      @JsonProperty("deployment_ready") boolean deploymentReady,
      String description) {}

  /** capsules-api.md §3: one capsule of a list. */
  @Schema(name = "CapsuleSummary")
  record Summary(
      String id,
      @JsonProperty("request_id") String requestId,
      @Schema(
              allowableValues = {
                "queued",
                "planning",
                "generating",
                "validating",
                "refining",
                "storing",
                "stored",
                "failed",
                "cancelled"
              })
          String status,
      @JsonProperty("file_count") int fileCount,
      @JsonProperty("confidence_score") @Schema(nullable = true) Double confidenceScore,
      @JsonProperty("created_at") String createdAt,
      SummaryMetadata metadata) {}

  @Schema(name = "CapsuleSummaryMetadata")
  record SummaryMetadata(List<String> languages, String description) {}

  /** capsules-api.md §3. */
  @Schema(name = "CapsulePage")
  record Page(List<Summary> capsules, long total, int limit, int offset) {}

  /**
   * The iteration history. A finished capsule answers {@code error} (possibly null) and no {@code
   * plan}; a running one answers {@code plan} (null until planned) and no {@code error}; one whose
   * workflow answers no query only {@code capsule_id} and {@code status}. An absent field is a null
   * {@link Optional}, a present null an empty one.
   */
  @Schema(name = "GenerationHistory")
  record History(
      @JsonProperty("capsule_id") String capsuleId,
      @Schema(
              allowableValues = {
                "queued",
                "planning",
                "generating",
                "validating",
                "refining",
                "storing",
                "stored",
                "failed",
                "cancelled"
              })
          String status,
      @JsonInclude(JsonInclude.Include.NON_NULL)
          @Schema(nullable = true, description = "while running: the plan, once made")
          Optional<ProjectPlan> plan,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "the validate rounds so far")
          List<IterationView> iterations,
      @JsonInclude(JsonInclude.Include.NON_NULL)
          @Schema(nullable = true, description = "once finished: why it failed, or null")
          Optional<String> error) {}

  /**
   * One validate round as the API shows it: the workflow's {@link Iteration} without its bounded
   * payload's internals ({@code issueCount}, {@code reportKey}); names as they have always been.
   */
  @Schema(name = "GenerationIteration")
  record IterationView(
      int number,
      String phase,
      String fileSetDigest,
      double score,
      boolean productionReady,
      List<String> issues,
      long millis) {

    static List<IterationView> of(List<Iteration> iterations) {
      return iterations == null
          ? List.of()
          : iterations.stream()
              .map(
                  i ->
                      new IterationView(
                          i.number(),
                          i.phase(),
                          i.fileSetDigest(),
                          i.score(),
                          i.productionReady(),
                          i.issues(),
                          i.millis()))
              .toList();
    }
  }

  /** {@code POST /capsule/{id}/cancel}. */
  @Schema(name = "CancelAccepted")
  record Cancelling(
      @JsonProperty("capsule_id") String capsuleId,
      @Schema(allowableValues = "cancelling") String status) {}

  /** v2: a generation accepted for asynchronous processing. */
  @Schema(name = "V2CapsuleJob")
  record Job(
      @JsonProperty("job_id") String jobId,
      @Schema(allowableValues = {"queued", "processing"}) String status,
      @JsonProperty("capsule_id") String capsuleId) {}
}
