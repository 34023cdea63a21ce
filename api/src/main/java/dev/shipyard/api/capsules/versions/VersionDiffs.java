package dev.shipyard.api.capsules.versions;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.shipyard.api.security.Caller;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.FileManifest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /capsule/{id}/diff?from&to} (beyond the document): the files added, modified and
 * deleted between two versions, from their manifests (sizes and digests, whatever the sizes), and a
 * unified diff (java-diff-utils, 3 lines of context) of each changed text file within the bounds:
 * each side at most {@link #MAX_DIFF_FILE_BYTES} and at most {@link #MAX_DIFF_TOTAL_BYTES} read in
 * all. A file that is not UTF-8 text, or past a bound, is listed with {@code diff_omitted} saying
 * why. Blobs are read with the blocking store on {@code boundedElastic}.
 */
@Component
class VersionDiffs {

  /** The largest file (each side) a unified diff is made of: 256 KiB. */
  static final int MAX_DIFF_FILE_BYTES = 256 * 1024;

  /** The most bytes read for the unified diffs of one response: 4 MiB. */
  static final long MAX_DIFF_TOTAL_BYTES = 4L * 1024 * 1024;

  private final CapsuleVersions versions;
  private final BlobStore blobs;

  VersionDiffs(CapsuleVersions versions, BlobStore blobs) {
    this.versions = versions;
    this.blobs = blobs;
  }

  Mono<VersionBodies.Diff> diff(Caller caller, String capsuleId, String from, String to) {
    return versions
        .resolve(caller, capsuleId, from)
        .zipWith(versions.resolve(caller, capsuleId, to))
        .flatMap(
            pair ->
                versions
                    .manifest(pair.getT1().version())
                    .zipWith(versions.manifest(pair.getT2().version()))
                    .publishOn(Schedulers.boundedElastic())
                    .map(
                        m ->
                            compare(
                                capsuleId,
                                pair.getT1().version().id(),
                                pair.getT2().version().id(),
                                m.getT1(),
                                m.getT2())));
  }

  /** Blocking (reads blobs): on {@code boundedElastic} only. */
  private VersionBodies.Diff compare(
      String capsuleId, String fromId, String toId, FileManifest from, FileManifest to) {
    Map<String, FileManifest.Entry> before = byPath(from);
    Map<String, FileManifest.Entry> after = byPath(to);
    TreeSet<String> paths = new TreeSet<>(before.keySet());
    paths.addAll(after.keySet());
    List<VersionBodies.FileDiff> files = new ArrayList<>();
    int added = 0;
    int modified = 0;
    int deleted = 0;
    int unchanged = 0;
    long bytesAdded = 0;
    long bytesRemoved = 0;
    long budget = MAX_DIFF_TOTAL_BYTES;
    for (String path : paths) {
      FileManifest.Entry a = before.get(path);
      FileManifest.Entry b = after.get(path);
      String status;
      if (a == null) {
        status = "added";
        added++;
        bytesAdded += b.size();
      } else if (b == null) {
        status = "deleted";
        deleted++;
        bytesRemoved += a.size();
      } else if (!a.sha256().equals(b.sha256())) {
        status = "modified";
        modified++;
        bytesAdded += Math.max(0, b.size() - a.size());
        bytesRemoved += Math.max(0, a.size() - b.size());
      } else {
        unchanged++;
        continue;
      }
      long needed = (a == null ? 0 : a.size()) + (b == null ? 0 : b.size());
      String diff = null;
      String omitted = null;
      if ((a != null && a.size() > MAX_DIFF_FILE_BYTES)
          || (b != null && b.size() > MAX_DIFF_FILE_BYTES)) {
        omitted = "larger than " + MAX_DIFF_FILE_BYTES + " bytes";
      } else if (needed > budget) {
        omitted = "the response's diff bound of " + MAX_DIFF_TOTAL_BYTES + " bytes is reached";
      } else {
        budget -= needed;
        List<String> old = a == null ? List.of() : lines(a);
        List<String> now = b == null ? List.of() : lines(b);
        if (old == null || now == null) {
          omitted = "binary (not UTF-8 text)";
        } else {
          Patch<String> patch = DiffUtils.diff(old, now);
          diff =
              String.join(
                      "\n",
                      UnifiedDiffUtils.generateUnifiedDiff(
                          a == null ? "/dev/null" : "a/" + path,
                          b == null ? "/dev/null" : "b/" + path,
                          old,
                          patch,
                          3))
                  + "\n";
        }
      }
      files.add(
          new VersionBodies.FileDiff(
              path,
              status,
              a == null ? null : a.size(),
              b == null ? null : b.size(),
              a == null ? null : a.sha256(),
              b == null ? null : b.sha256(),
              diff,
              omitted));
    }
    return new VersionBodies.Diff(
        capsuleId,
        fromId,
        toId,
        new VersionBodies.DiffSummary(
            added, modified, deleted, unchanged, bytesAdded, bytesRemoved),
        files);
  }

  /** The file's lines, or null when it is not UTF-8 text (invalid UTF-8 or a NUL byte). */
  private List<String> lines(FileManifest.Entry entry) {
    byte[] bytes =
        blobs
            .get(entry.blobKey())
            .orElseThrow(() -> new IllegalStateException("Missing blob " + entry.blobKey()));
    for (byte b : bytes) {
      if (b == 0) {
        return null;
      }
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static Map<String, FileManifest.Entry> byPath(FileManifest manifest) {
    Map<String, FileManifest.Entry> files = new TreeMap<>();
    manifest.entries().forEach(e -> files.put(e.path(), e));
    return files;
  }
}
