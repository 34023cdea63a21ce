package dev.shipyard.api.capsules.batch;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Batch exports and their download links (README: Configuration).
 *
 * @param syncWait how long {@code POST /capsule/batch/export} waits for the batch before answering
 *     202 with where to poll
 * @param parallelism how many capsules of one batch are exported at once
 * @param linkKey the HMAC-SHA256 key of signed download links (at least 32 characters); empty: no
 *     signed links are issued and every signed request is refused. Never logged or answered.
 * @param linkTtl how long a signed link stays valid after the batch ended
 */
@ConfigurationProperties("shipyard.capsules.batch")
record BatchExportProperties(Duration syncWait, int parallelism, String linkKey, Duration linkTtl) {

  BatchExportProperties {
    syncWait = syncWait == null ? Duration.ofSeconds(20) : syncWait;
    parallelism = parallelism < 1 ? 4 : parallelism;
    linkKey = linkKey == null ? "" : linkKey;
    linkTtl = linkTtl == null ? Duration.ofHours(1) : linkTtl;
  }

  /** Without the key's value: a record's default would print it. */
  @Override
  public String toString() {
    return "BatchExportProperties[syncWait="
        + syncWait
        + ", parallelism="
        + parallelism
        + ", linkKey="
        + (linkKey.isEmpty() ? "(none)" : "(set)")
        + ", linkTtl="
        + linkTtl
        + "]";
  }
}
