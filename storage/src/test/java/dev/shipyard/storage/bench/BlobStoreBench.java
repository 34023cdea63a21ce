package dev.shipyard.storage.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.GeneratedStream;
import dev.shipyard.storage.S3BlobStore;
import dev.shipyard.storage.S3Clients;
import dev.shipyard.storage.S3Settings;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The harness of {@code bench/blobstore.sh}: one object written through {@link BlobStore} and read
 * back, in a JVM of its own, printing one {@code RESULT,...} CSV line.
 *
 * <pre>
 * BlobStoreBench generated &lt;bytes&gt; &lt;seed&gt; &lt;key&gt;   # a generated stream (never in memory), unknown length
 * BlobStoreBench file &lt;path&gt; &lt;key&gt;                 # a file on disk, known length (the same file the AWS CLI uploads)
 * </pre>
 *
 * The object is read back with {@link BlobStore#open(String)} into a digest and compared with what
 * was written. Heap: every heap pool's peak usage is reset after the client is built, and the sum
 * of the peaks at the end is the high-water mark (an upper bound: pools peak at different times);
 * the old generation's peak is reported on its own, and so is the live high-water mark: the most
 * heap still in use after any garbage collection of the run (what the run retained, garbage aside).
 * Settings come from the environment: S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY,
 * S3_PART_SIZE_MB.
 */
public final class BlobStoreBench {

  private BlobStoreBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    S3Settings settings =
        new S3Settings(
            System.getenv("S3_ENDPOINT"),
            "us-east-1",
            System.getenv("S3_BUCKET"),
            System.getenv("S3_ACCESS_KEY"),
            System.getenv("S3_SECRET_KEY"),
            true,
            Integer.valueOf(System.getenv().getOrDefault("S3_PART_SIZE_MB", "8")));
    try (S3Client s3 = S3Clients.sync(settings)) {
      BlobStore store = new S3BlobStore(s3, settings);
      store.exists("warm-up"); // the first request loads and initialises the SDK
      List<MemoryPoolMXBean> heap =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == MemoryType.HEAP)
              .toList();
      Set<String> heapNames =
          heap.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);
      long gcsBefore = gcCount();
      AtomicLong liveHighWater = new AtomicLong();
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc)
            .addNotificationListener(
                (notification, handback) -> {
                  if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                      notification.getType())) {
                    long after =
                        GarbageCollectionNotificationInfo.from(
                                (CompositeData) notification.getUserData())
                            .getGcInfo()
                            .getMemoryUsageAfterGc()
                            .entrySet()
                            .stream()
                            .filter(e -> heapNames.contains(e.getKey()))
                            .mapToLong(e -> e.getValue().getUsed())
                            .sum();
                    liveHighWater.accumulateAndGet(after, Math::max);
                  }
                },
                null,
                null);
      }

      long size;
      String key;
      InputStream source;
      long length;
      if (mode.equals("generated")) {
        size = Long.parseLong(args[1]);
        source = new GeneratedStream(size, Long.parseLong(args[2]));
        key = args[3];
        length = BlobStore.UNKNOWN_LENGTH;
      } else if (mode.equals("file")) {
        Path file = Path.of(args[1]);
        size = Files.size(file);
        source = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        key = args[2];
        length = size;
      } else {
        throw new IllegalArgumentException("mode: generated or file");
      }

      MessageDigest written = MessageDigest.getInstance("SHA-256");
      long t0 = System.nanoTime();
      try (InputStream in = new DigestInputStream(source, written)) {
        store.put(key, in, length, "application/octet-stream");
      }
      long t1 = System.nanoTime();
      MessageDigest read = MessageDigest.getInstance("SHA-256");
      long readBytes;
      try (InputStream in = store.open(key).orElseThrow();
          OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), read)) {
        readBytes = in.transferTo(out);
      }
      long t2 = System.nanoTime();
      boolean verified =
          readBytes == size && MessageDigest.isEqual(written.digest(), read.digest());

      long peakSum = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
      long oldPeak =
          heap.stream()
              .filter(p -> p.getName().contains("Old") || p.getName().contains("Tenured"))
              .mapToLong(p -> p.getPeakUsage().getUsed())
              .sum();
      // The listener runs asynchronously; the pools' own after-last-GC figures cover a late one.
      long afterGc =
          Math.max(
              liveHighWater.get(),
              heap.stream()
                  .mapToLong(
                      p -> p.getCollectionUsage() == null ? 0 : p.getCollectionUsage().getUsed())
                  .sum());
      long maxHeap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
      double writeMs = (t1 - t0) / 1e6;
      double readMs = (t2 - t1) / 1e6;
      System.out.println(
          String.format(
              Locale.ROOT,
              "RESULT,%s,%d,%d,%.0f,%.1f,%.0f,%.1f,%.1f,%.1f,%.1f,%.0f,%d,%s,%s",
              mode,
              size,
              settings.partSizeMb(),
              writeMs,
              mib(size) / (writeMs / 1000),
              readMs,
              mib(size) / (readMs / 1000),
              mib(peakSum),
              mib(oldPeak),
              mib(afterGc),
              mib(maxHeap),
              gcCount() - gcsBefore,
              ManagementFactory.getGarbageCollectorMXBeans().get(0).getName().replace(' ', '_'),
              verified ? "ok" : "MISMATCH"));
      store.delete(key);
      if (!verified) {
        System.exit(3);
      }
    }
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  private static long gcCount() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount)
        .sum();
  }
}
