package dev.shipyard.api.config;

import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.S3AsyncBlobReader;
import dev.shipyard.storage.S3BlobStore;
import dev.shipyard.storage.S3Clients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The API's non-blocking S3 client (AWS SDK v2, Netty) for AWS S3, MinIO or the local s3proxy,
 * configured by the shared storage settings ({@link S3Clients}), and its streaming read path; plus
 * the blocking {@link BlobStore} for what streams through a {@code java.io} stream (capsule
 * archives built on the fly, version uploads): call it only on {@code Schedulers.boundedElastic()},
 * never on the event loop.
 */
@Configuration(proxyBeanMethods = false)
class StorageConfig {

  @Bean(destroyMethod = "close")
  S3AsyncClient s3AsyncClient(ShipyardProperties properties) {
    return S3Clients.async(properties.storage());
  }

  @Bean(destroyMethod = "close")
  S3Client s3Client(ShipyardProperties properties) {
    return S3Clients.sync(properties.storage());
  }

  /** Blocking: only on {@code Schedulers.boundedElastic()}. */
  @Bean
  BlobStore blobStore(S3Client s3, ShipyardProperties properties) {
    return new S3BlobStore(s3, properties.storage());
  }

  @Bean
  S3AsyncBlobReader blobReader(S3AsyncClient s3, ShipyardProperties properties) {
    return new S3AsyncBlobReader(s3, properties.storage().bucket());
  }
}
