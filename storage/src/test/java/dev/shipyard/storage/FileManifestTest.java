package dev.shipyard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileManifestTest {

  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);

  @Test
  void canonicalBytesAreSortedCompactJsonWhateverTheInputOrder() {
    FileManifest m =
        FileManifest.of(
            List.of(
                new FileManifest.Entry("src/z.py", B, 7), new FileManifest.Entry("README", A, 3)));

    assertThat(new String(m.bytes(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"README\":{\"sha256\":\""
                + A
                + "\",\"size\":3},\"src/z.py\":{\"sha256\":\""
                + B
                + "\",\"size\":7}}");
    assertThat(m.paths()).containsExactly("README", "src/z.py");
    assertThat(m.totalBytes()).isEqualTo(10);
    assertThat(m.digest()).isEqualTo(FileManifest.sha256(m.bytes()));
    assertThat(m.key()).isEqualTo("manifests/sha256/" + m.digest() + ".json");
  }

  @Test
  void parseRoundTripsAndKeepsTheDigest() {
    FileManifest m =
        FileManifest.of(
            List.of(new FileManifest.Entry("b", B, 1), new FileManifest.Entry("a", A, 2)));
    FileManifest back = FileManifest.parse(m.bytes());

    assertThat(back).isEqualTo(m);
    assertThat(back.digest()).isEqualTo(m.digest());
    assertThat(back.entries().get(0).blobKey()).isEqualTo("blobs/sha256/" + A);
  }

  @Test
  void aChangedSizeOrDigestChangesTheManifestDigest() {
    FileManifest one = FileManifest.of(List.of(new FileManifest.Entry("a", A, 2)));
    FileManifest size = FileManifest.of(List.of(new FileManifest.Entry("a", A, 3)));
    FileManifest content = FileManifest.of(List.of(new FileManifest.Entry("a", B, 2)));

    assertThat(one.digest()).isNotEqualTo(size.digest()).isNotEqualTo(content.digest());
  }

  @Test
  void duplicatePathsAreRefused() {
    assertThatThrownBy(
            () ->
                FileManifest.of(
                    List.of(new FileManifest.Entry("a", A, 1), new FileManifest.Entry("a", B, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a");
  }
}
