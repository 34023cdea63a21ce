package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local platform passes every setting the worker reads (every {@code ${NAME:...}} of {@code
 * worker.yml}) from its environment to the worker: one source, nothing forgotten.
 */
class LocalPlatformSettingsTest {

  @Test
  void llmTemperatureReachesTheWorker() {
    Map<String, Object> passed =
        LocalPlatform.workerSettings(
            Map.of("LLM_TEMPERATURE", "0.7", "LLM_MODEL", "m", "NOT_A_SETTING", "x"));
    assertThat(passed)
        .containsEntry("LLM_TEMPERATURE", "0.7")
        .containsEntry("LLM_MODEL", "m")
        .doesNotContainKey("NOT_A_SETTING");
  }

  @Test
  void everyWorkerSettingPassesThrough() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : LocalPlatform.settingNames("worker")) {
      env.put(name, "value-of-" + name);
    }
    assertThat(env)
        .containsKeys(
            "LLM_TEMPERATURE",
            "LLM_TIMEOUT",
            "LLM_MAX_RETRIES",
            "CODEGEN_ENGINE",
            "WORKER_CPU_MAX_CONCURRENT_ACTIVITIES",
            "WEBHOOK_SIGNING_SECRET");
    assertThat(LocalPlatform.workerSettings(env)).containsExactlyInAnyOrderEntriesOf(env);
  }
}
