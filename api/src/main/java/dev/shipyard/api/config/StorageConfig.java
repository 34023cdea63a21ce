package dev.shipyard.api.config;

import java.net.URI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;

/** The non-blocking S3 client (AWS SDK v2) for AWS S3, MinIO, or the local s3proxy. */
@Configuration(proxyBeanMethods = false)
class StorageConfig {

  @Bean(destroyMethod = "close")
  S3AsyncClient s3AsyncClient(ShipyardProperties properties) {
    ShipyardProperties.Storage storage = properties.storage();
    S3AsyncClientBuilder builder =
        S3AsyncClient.builder()
            .region(Region.of(storage.region()))
            .forcePathStyle(storage.pathStyle())
            // S3-compatible servers (MinIO, s3proxy) do not all speak the newer default checksums.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (storage.endpoint() != null && !storage.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(storage.endpoint()));
    }
    if (storage.accessKey() != null && !storage.accessKey().isBlank()) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(
              AwsBasicCredentials.create(storage.accessKey(), storage.secretKey())));
    } else {
      builder.credentialsProvider(DefaultCredentialsProvider.builder().build());
    }
    return builder.build();
  }
}
