// Benchmark helper, not product code: run by bench/build-create.sh with Java's source launcher
// against the classes of the platform jar (BOOT-INF/classes and BOOT-INF/lib/* of
// standalone/target/shipyard-local.jar, extracted by the script).
//
// It starts BuildWorkflow at a FIXED RATE, open loop: a scheduler fires every 1/rate s and hands the
// start to a pool, whatever the previous starts are doing, and latency is measured from the
// scheduled instant (so a slow start delays nothing and hides nothing: no coordinated omission).
//   api   POST /api/build/ through HTTP (validation, authentication, rate limit, the builds row
//         insert, then WorkflowClient.start in the API), answer 202
//   bare  WorkflowClient.start of the same BuildWorkflow with the same WorkflowOptions as the API's
//         BuildRuns.start (task queue, ID reuse policy, static summary, search attributes)
// Every build started is terminated right after its start answered (outside the measured time), so
// the machine does not run hundreds of real builds.
//
// Arguments: apiBase token temporalTarget namespace tenantId ownerId username rate warmupSeconds
//            seconds rounds
// Prints one line per (round, mode): ROW,<round>,<mode>,<rate>,<seconds>,<requests>,<errors>,
// <p50_ms>,<p90_ms>,<p99_ms>,<max_ms>,<mean_ms>,<achieved_rate>

import dev.shipyard.workflows.ShipyardSearchAttributes;
import dev.shipyard.workflows.TaskQueues;
import dev.shipyard.workflows.builds.BuildRequest;
import dev.shipyard.workflows.builds.BuildStatus;
import dev.shipyard.workflows.builds.BuildWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class BuildCreateBench {

  static final Pattern TASK_ID = Pattern.compile("\"task_id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

  static String apiBase;
  static String token;
  static String tenantId;
  static String ownerId;
  static String username;
  static WorkflowClient temporal;
  static HttpClient http;
  static ExecutorService pool = Executors.newFixedThreadPool(32);
  static ExecutorService terminator = Executors.newFixedThreadPool(2);
  static final AtomicInteger terminateErrors = new AtomicInteger();

  public static void main(String[] args) throws Exception {
    apiBase = args[0];
    token = args[1];
    String target = args[2];
    String namespace = args[3];
    tenantId = args[4];
    ownerId = args[5];
    username = args[6];
    double rate = Double.parseDouble(args[7]);
    int warmup = Integer.parseInt(args[8]);
    int seconds = Integer.parseInt(args[9]);
    int rounds = Integer.parseInt(args[10]);

    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
    temporal =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    // Warm-up: both paths, same rate, not recorded (JIT, connection pools, gRPC channel).
    run("api", rate, warmup);
    run("bare", rate, warmup);
    Map<String, List<Result>> all = Map.of("api", new ArrayList<>(), "bare", new ArrayList<>());
    for (int round = 1; round <= rounds + 1; round++) {
      for (String mode : round % 2 == 1 ? List.of("api", "bare") : List.of("bare", "api")) {
        Result r;
        String roundName;
        if (round <= rounds) {
          r = run(mode, rate, seconds);
          all.get(mode).add(r);
          roundName = String.valueOf(round);
        } else {
          List<Result> rs = all.get(mode);
          double[] l = rs.stream().flatMapToDouble(x -> Arrays.stream(x.latencies)).sorted().toArray();
          r =
              new Result(
                  l,
                  rs.stream().mapToInt(Result::errors).sum(),
                  rs.stream().mapToDouble(Result::achievedRate).average().orElse(Double.NaN));
          roundName = "all";
        }
        System.out.println(
            String.format(
                "ROW,%s,%s,%s,%d,%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f",
                roundName,
                mode,
                rate,
                round <= rounds ? seconds : seconds * rounds,
                r.latencies.length,
                r.errors,
                pct(r.latencies, 50),
                pct(r.latencies, 90),
                pct(r.latencies, 99),
                r.latencies.length == 0 ? Double.NaN : r.latencies[r.latencies.length - 1],
                Arrays.stream(r.latencies).average().orElse(Double.NaN),
                r.achievedRate));
        System.out.flush();
      }
    }
    terminator.shutdown();
    terminator.awaitTermination(120, TimeUnit.SECONDS);
    System.out.println("TERMINATE_ERRORS," + terminateErrors.get());
    pool.shutdownNow();
    stubs.shutdownNow();
    System.exit(0);
  }

  record Result(double[] latencies, int errors, double achievedRate) {}

  static Result run(String mode, double rate, int seconds) throws Exception {
    int n = (int) Math.round(rate * seconds);
    long periodNanos = (long) (1_000_000_000L / rate);
    ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    long t0 = System.nanoTime() + 50_000_000L;
    for (int i = 0; i < n; i++) {
      long scheduled = t0 + i * periodNanos;
      ticker.schedule(
          () ->
              pool.execute(
                  () -> {
                    try {
                      String workflowId = "api".equals(mode) ? viaApi() : bare();
                      latencies.add((System.nanoTime() - scheduled) / 1e6);
                      terminateLater(workflowId);
                    } catch (Exception e) {
                      if (errors.incrementAndGet() <= 3) {
                        System.err.println(mode + ": " + e);
                      }
                    } finally {
                      done.incrementAndGet();
                    }
                  }),
          scheduled - System.nanoTime(),
          TimeUnit.NANOSECONDS);
    }
    long deadline = t0 + n * periodNanos + 60_000_000_000L;
    while (done.get() < n && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    ticker.shutdownNow();
    double[] l = latencies.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(l);
    return new Result(l, errors.get() + (n - done.get()), done.get() / elapsed);
  }

  static String viaApi() throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(apiBase + "/api/build/"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"project_name\":\"bench-project\",\"goal\":\"add a health endpoint\"}"))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 202) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
    }
    Matcher m = TASK_ID.matcher(response.body());
    if (!m.find()) {
      throw new IllegalStateException("no task_id in " + response.body());
    }
    return BuildRequest.workflowId(m.group(1));
  }

  /** The same options as api/.../builds/BuildRuns.start, on the same Temporal server. */
  static String bare() {
    BuildRequest request =
        new BuildRequest(
            UUID.randomUUID().toString(),
            tenantId,
            ownerId,
            username,
            "bench-project",
            "add a health endpoint",
            Map.of(),
            null);
    BuildWorkflow workflow =
        temporal.newWorkflowStub(
            BuildWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(request.workflowId())
                .setTaskQueue(TaskQueues.BUILDS)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .setStaticSummary(
                    "Build of "
                        + request.projectName()
                        + " by "
                        + request.createdBy()
                        + ": "
                        + request.goal())
                .setTypedSearchAttributes(
                    SearchAttributes.newBuilder()
                        .set(ShipyardSearchAttributes.TENANT, request.tenantId())
                        .set(ShipyardSearchAttributes.OWNER, request.ownerId())
                        .set(ShipyardSearchAttributes.KIND, BuildRequest.KIND)
                        .set(ShipyardSearchAttributes.STATUS, BuildStatus.INITIALIZING.value())
                        .build())
                .build());
    WorkflowClient.start(workflow::build, request);
    return request.workflowId();
  }

  static void terminateLater(String workflowId) {
    terminator.execute(
        () -> {
          try {
            temporal.newUntypedWorkflowStub(workflowId).terminate("bench: started only");
          } catch (Exception e) {
            terminateErrors.incrementAndGet();
          }
        });
  }

  static double pct(double[] sorted, int p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
