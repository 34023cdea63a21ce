package dev.shipyard.storage;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The one place that configures S3 clients: the blocking {@link S3Client} of the worker (activities
 * run on worker threads; JDK {@code HttpURLConnection}) and the non-blocking {@link S3AsyncClient}
 * of the API (Netty, from the API's classpath), both from the same {@link S3Settings}.
 */
public final class S3Clients {

  private S3Clients() {}

  /** The blocking client; close it when done. */
  public static S3Client sync(S3Settings settings) {
    return configure(S3Client.builder(), settings)
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** The non-blocking client (the SDK's default async HTTP client); close it when done. */
  public static S3AsyncClient async(S3Settings settings) {
    return configure(S3AsyncClient.builder(), settings).build();
  }

  private static <B extends S3BaseClientBuilder<B, ?>> B configure(B builder, S3Settings settings) {
    builder
        .region(Region.of(settings.region()))
        .forcePathStyle(settings.pathStyle())
        // S3-compatible servers (MinIO, s3proxy) do not all speak the newer default checksums.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .credentialsProvider(credentials(settings));
    if (settings.hasEndpoint()) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    return builder;
  }

  private static AwsCredentialsProvider credentials(S3Settings settings) {
    if (settings.hasStaticCredentials()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(settings.accessKey(), settings.secretKey()));
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
