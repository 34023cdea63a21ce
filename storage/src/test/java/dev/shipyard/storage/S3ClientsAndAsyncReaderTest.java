package dev.shipyard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The blocking and the non-blocking client built from the same settings reach the same bucket, and
 * the API's read path streams what the worker's store wrote.
 */
@ExtendWith(LocalS3Extension.class)
class S3ClientsAndAsyncReaderTest {

  @Test
  void bothClientsFromOneSettingsSeeTheSameObjects(LocalS3Server server) throws Exception {
    S3Settings settings = server.settings(5);
    long size = 6L * 1024 * 1024 + 5; // two parts
    String key = "async/" + UUID.randomUUID();
    try (S3Client sync = S3Clients.sync(settings);
        S3AsyncClient async = S3Clients.async(settings)) {
      new S3BlobStore(sync, settings).put(key, new GeneratedStream(size, 21), size, "video/mp4");
      S3AsyncBlobReader reader = new S3AsyncBlobReader(async, settings.bucket());

      BlobDownload whole = reader.open(key).get(30, TimeUnit.SECONDS).orElseThrow();
      assertThat(whole.info()).isEqualTo(new BlobInfo(key, size, "video/mp4"));
      byte[] all = collect(whole);
      assertThat(GeneratedStream.sha256(new java.io.ByteArrayInputStream(all)))
          .isEqualTo(GeneratedStream.sha256(size, 21));

      BlobDownload range = reader.open(key, 1000, 24).get(30, TimeUnit.SECONDS).orElseThrow();
      assertThat(range.info().size()).isEqualTo(24);
      assertThat(collect(range)).isEqualTo(Arrays.copyOfRange(all, 1000, 1024));

      assertThat(reader.open("async/missing-" + UUID.randomUUID()).get(30, TimeUnit.SECONDS))
          .isEqualTo(Optional.empty());
      assertThatThrownBy(() -> reader.open(key, size + 10, 5).join())
          .isInstanceOf(CompletionException.class)
          .hasCauseInstanceOf(S3Exception.class);
    }
  }

  private static byte[] collect(BlobDownload download) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ((SdkPublisher<ByteBuffer>) download.body())
        .subscribe(
            buffer -> {
              byte[] chunk = new byte[buffer.remaining()];
              buffer.get(chunk);
              out.write(chunk, 0, chunk.length);
            })
        .get(30, TimeUnit.SECONDS);
    return out.toByteArray();
  }
}
