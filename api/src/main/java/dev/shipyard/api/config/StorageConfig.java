package dev.shipyard.api.config;

import dev.shipyard.storage.S3AsyncBlobReader;
import dev.shipyard.storage.S3Clients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The API's non-blocking S3 client (AWS SDK v2, Netty) for AWS S3, MinIO or the local s3proxy,
 * configured by the shared storage settings ({@link S3Clients}), and its streaming read path.
 */
@Configuration(proxyBeanMethods = false)
class StorageConfig {

  @Bean(destroyMethod = "close")
  S3AsyncClient s3AsyncClient(ShipyardProperties properties) {
    return S3Clients.async(properties.storage());
  }

  @Bean
  S3AsyncBlobReader blobReader(S3AsyncClient s3, ShipyardProperties properties) {
    return new S3AsyncBlobReader(s3, properties.storage().bucket());
  }
}
