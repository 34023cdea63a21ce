package dev.shipyard.api.capsules.signing;

import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What verification recomputes instead of trusting: every file of a manifest read back from object
 * storage and hashed again (a blob whose bytes no longer match the SHA-256 the manifest names, or
 * that is gone, is reported by path), and the files in which two manifests differ. Blobs stream
 * through the digest (nothing whole in memory) on {@code Schedulers.boundedElastic()}, a few at a
 * time, with the API's blocking {@link BlobStore}.
 */
@Component
class StoredFiles {

  private static final int PARALLEL_READS = 4;

  private final BlobStore blobs;

  StoredFiles(BlobStore blobs) {
    this.blobs = blobs;
  }

  /** A file whose stored bytes do not match the manifest, and how. */
  record Damage(String path, String problem) {}

  /** The files of {@code manifest} whose blobs are missing or do not hash to their sha256. */
  Mono<List<Damage>> damaged(FileManifest manifest) {
    return Flux.fromIterable(manifest.entries())
        .flatMap(
            entry ->
                Mono.fromCallable(() -> check(entry))
                    .subscribeOn(Schedulers.boundedElastic())
                    .flatMap(Mono::justOrEmpty),
            PARALLEL_READS)
        .collectSortedList((a, b) -> a.path().compareTo(b.path()));
  }

  /** The manifest stored under {@code key} (read off the event loop), or empty when absent. */
  Mono<byte[]> manifestBytes(String key) {
    return Mono.fromCallable(() -> blobs.get(key))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(Mono::justOrEmpty);
  }

  /** The paths added, removed or changed (content or size) between two manifests, sorted. */
  static List<String> differences(FileManifest from, FileManifest to) {
    Map<String, FileManifest.Entry> a = byPath(from);
    Map<String, FileManifest.Entry> b = byPath(to);
    TreeSet<String> paths = new TreeSet<>(a.keySet());
    paths.addAll(b.keySet());
    List<String> differ = new ArrayList<>();
    for (String path : paths) {
      FileManifest.Entry x = a.get(path);
      FileManifest.Entry y = b.get(path);
      if (x == null || y == null || !x.sha256().equals(y.sha256()) || x.size() != y.size()) {
        differ.add(path);
      }
    }
    return differ;
  }

  private static Map<String, FileManifest.Entry> byPath(FileManifest manifest) {
    return manifest.entries().stream()
        .collect(
            Collectors.toMap(
                FileManifest.Entry::path, Function.identity(), (x, y) -> x, TreeMap::new));
  }

  private Optional<Damage> check(FileManifest.Entry entry) {
    Optional<InputStream> opened = blobs.open(entry.blobKey());
    if (opened.isEmpty()) {
      return Optional.of(new Damage(entry.path(), "its blob is missing"));
    }
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long size = 0;
    try (InputStream in = opened.get()) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
        size += n;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String actual = HexFormat.of().formatHex(sha.digest());
    if (!actual.equals(entry.sha256())) {
      return Optional.of(
          new Damage(entry.path(), "its bytes hash to " + actual + ", not " + entry.sha256()));
    }
    if (size != entry.size()) {
      return Optional.of(new Damage(entry.path(), "it is " + size + " bytes, not " + entry.size()));
    }
    return Optional.empty();
  }
}
