package dev.shipyard.storage;

/**
 * The one configuration of S3-compatible object storage (AWS S3, MinIO, s3proxy), shared by the API
 * and the worker ({@code shipyard.storage.*}, README: Configuration). {@link S3Clients} builds both
 * the blocking and the non-blocking client from it.
 *
 * @param endpoint endpoint URL; empty means AWS S3 itself
 * @param region signing region; empty means {@code us-east-1}
 * @param bucket the one bucket for capsules and artifacts
 * @param accessKey static access key; empty means the AWS default credentials chain
 * @param secretKey static secret key (never printed by {@link #toString()})
 * @param pathStyle path-style bucket addressing (MinIO, s3proxy)
 * @param partSizeMb part size of multipart uploads in MiB (5 to 1024; empty means {@value
 *     #DEFAULT_PART_SIZE_MB}); it is also the most memory one upload holds at a time
 */
public record S3Settings(
    String endpoint,
    String region,
    String bucket,
    String accessKey,
    String secretKey,
    boolean pathStyle,
    Integer partSizeMb) {

  public static final int DEFAULT_PART_SIZE_MB = 8;

  /** S3's smallest part (all but the last). */
  public static final int MIN_PART_SIZE_MB = 5;

  /** The largest part: one upload buffers one part in a byte array (S3 itself allows 5 GiB). */
  public static final int MAX_PART_SIZE_MB = 1024;

  public S3Settings {
    if (region == null || region.isBlank()) {
      region = "us-east-1";
    }
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("shipyard.storage.bucket (S3_BUCKET) must not be empty");
    }
    if (partSizeMb == null || partSizeMb == 0) {
      partSizeMb = DEFAULT_PART_SIZE_MB;
    }
    if (partSizeMb < MIN_PART_SIZE_MB || partSizeMb > MAX_PART_SIZE_MB) {
      throw new IllegalArgumentException(
          "S3 part size must be "
              + MIN_PART_SIZE_MB
              + " to "
              + MAX_PART_SIZE_MB
              + " MiB, not "
              + partSizeMb);
    }
  }

  public int partSizeBytes() {
    return partSizeMb * 1024 * 1024;
  }

  public boolean hasEndpoint() {
    return endpoint != null && !endpoint.isBlank();
  }

  public boolean hasStaticCredentials() {
    return accessKey != null && !accessKey.isBlank();
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint
        + ", region="
        + region
        + ", bucket="
        + bucket
        + ", accessKey="
        + (hasStaticCredentials() ? "(set)" : "(default chain)")
        + ", secretKey=(hidden), pathStyle="
        + pathStyle
        + ", partSizeMb="
        + partSizeMb
        + "]";
  }
}
