package dev.shipyard.worker;

import dev.shipyard.storage.BlobStore;
import dev.shipyard.storage.S3BlobStore;
import dev.shipyard.storage.S3Clients;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The worker's blocking S3 client (activities run on worker threads, not event loops) and the
 * {@link BlobStore} on it, both from the shared storage settings ({@link S3Clients}).
 */
@Configuration(proxyBeanMethods = false)
class StorageBeans {

  @Bean(destroyMethod = "close")
  S3Client s3Client(WorkerProperties properties) {
    return S3Clients.sync(properties.storage());
  }

  @Bean
  BlobStore blobStore(S3Client s3, WorkerProperties properties) {
    return new S3BlobStore(s3, properties.storage());
  }
}
