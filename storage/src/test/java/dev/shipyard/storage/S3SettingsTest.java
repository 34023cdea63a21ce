package dev.shipyard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3SettingsTest {

  @Test
  void defaultsFillTheGaps() {
    S3Settings settings = new S3Settings("", null, "shipyard", "", "", true, null);
    assertThat(settings.region()).isEqualTo("us-east-1");
    assertThat(settings.partSizeMb()).isEqualTo(S3Settings.DEFAULT_PART_SIZE_MB);
    assertThat(settings.partSizeBytes()).isEqualTo(8 * 1024 * 1024);
    assertThat(settings.hasEndpoint()).isFalse();
    assertThat(settings.hasStaticCredentials()).isFalse();
    assertThat(new S3Settings("http://s3:9000", "eu-west-1", "b", "k", "s", false, 0).partSizeMb())
        .isEqualTo(8);
  }

  @Test
  void partSizeStaysWithinWhatS3Accepts() {
    assertThat(new S3Settings(null, null, "b", null, null, true, 5).partSizeBytes())
        .isEqualTo(5 * 1024 * 1024);
    assertThat(new S3Settings(null, null, "b", null, null, true, 1024).partSizeBytes())
        .isEqualTo(1L << 30);
    assertThatThrownBy(() -> new S3Settings(null, null, "b", null, null, true, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("5 to 1024 MiB");
    assertThatThrownBy(() -> new S3Settings(null, null, "b", null, null, true, 1025))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBucketIsRequired() {
    assertThatThrownBy(() -> new S3Settings(null, null, " ", null, null, true, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("S3_BUCKET");
  }

  @Test
  void theSecretNeverShowsInToString() {
    S3Settings settings =
        new S3Settings("http://s3:9000", null, "b", "AKIAEXAMPLE", "very-secret-value", true, 16);
    assertThat(settings.toString())
        .doesNotContain("very-secret-value")
        .doesNotContain("AKIAEXAMPLE")
        .contains("secretKey=(hidden)", "endpoint=http://s3:9000", "partSizeMb=16");
  }
}
