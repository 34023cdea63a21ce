package dev.shipyard.activities.delivery.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shipyard.activities.delivery.DeliveryContent;
import dev.shipyard.activities.delivery.DeliveryCredentials;
import dev.shipyard.outbound.OutboundGuard;
import dev.shipyard.storage.BlobStore;
import dev.shipyard.workflows.delivery.DeliveryFailure;
import dev.shipyard.workflows.delivery.DeliveryTarget;
import io.temporal.failure.ApplicationFailure;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The S3 provider's typing of errors, its options and its connect-time guard (the upload itself is
 * proven against a real S3 server by the delivery end-to-end tests).
 */
class S3DestinationTest {

  private static final DeliveryCredentials CREDENTIALS =
      DeliveryCredentials.of(
          Map.of("access_key_id", "AKIAEXAMPLE", "secret_access_key", "s3cr3t/with+chars"));

  private static S3Destination.Settings settings() {
    return new S3Destination.Settings(
        "bucket", "key", null, null, null, false, S3Destination.DEFAULT_URL_EXPIRY);
  }

  private static S3Exception answer(int status, String code, String message) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage(message).build())
            .build();
  }

  private static void assertTyped(
      ApplicationFailure failure, DeliveryFailure type, boolean nonRetryable) {
    assertThat(failure.getType()).isEqualTo(type.name());
    assertThat(failure.isNonRetryable()).isEqualTo(nonRetryable);
    assertThat(failure.getOriginalMessage()).doesNotContain("s3cr3t");
  }

  @Test
  void answersAreTypedByStatusAndCodeAndScrubbedOfTheCredentials() {
    var s = settings();
    assertTyped(
        S3Destination.failure(
            answer(403, "InvalidAccessKeyId", "no key AKIAEXAMPLE"), s, CREDENTIALS),
        DeliveryFailure.CREDENTIALS_REJECTED,
        true);
    assertTyped(
        S3Destination.failure(
            answer(403, "SignatureDoesNotMatch", "signed with s3cr3t/with+chars"), s, CREDENTIALS),
        DeliveryFailure.CREDENTIALS_REJECTED,
        true);
    ApplicationFailure bucket =
        S3Destination.failure(answer(404, "NoSuchBucket", "gone"), s, CREDENTIALS);
    assertTyped(bucket, DeliveryFailure.DESTINATION_NOT_FOUND, true);
    assertThat(bucket.getOriginalMessage())
        .isEqualTo("S3 bucket bucket does not exist (404 NoSuchBucket: gone)");
    assertTyped(
        S3Destination.failure(answer(400, "InvalidArgument", "bad"), s, CREDENTIALS),
        DeliveryFailure.REQUEST_REJECTED,
        true);
    assertTyped(
        S3Destination.failure(answer(503, "SlowDown", "later"), s, CREDENTIALS),
        DeliveryFailure.DESTINATION_UNAVAILABLE,
        false);
    assertTyped(
        S3Destination.failure(answer(500, "InternalError", "oops"), s, CREDENTIALS),
        DeliveryFailure.DESTINATION_UNAVAILABLE,
        false);
    assertTyped(
        S3Destination.failure(
            SdkClientException.create(
                "Unable to execute HTTP request",
                new GuardedDnsResolver.Refused("The S3 endpoint is refused: 10.0.0.1")),
            CREDENTIALS),
        DeliveryFailure.OUTBOUND_REFUSED,
        true);
    ApplicationFailure network =
        S3Destination.failure(
            SdkClientException.create(
                "Unable to execute HTTP request",
                new java.net.ConnectException("Connection refused")),
            CREDENTIALS);
    assertTyped(network, DeliveryFailure.DESTINATION_UNAVAILABLE, false);
    assertThat(network.getOriginalMessage()).contains("ConnectException: Connection refused");
  }

  @Test
  void theEndpointAndOptionsAreCheckedBeforeAnythingIsSent() {
    // settings() reads only the content's IDs: a store that would fail if it were called
    BlobStore unused =
        (BlobStore)
            Proxy.newProxyInstance(
                BlobStore.class.getClassLoader(),
                new Class<?>[] {BlobStore.class},
                (proxy, method, args) -> {
                  throw new UnsupportedOperationException(method.getName());
                });
    DeliveryContent content = new DeliveryContent("cap-1", "ver-1", "d-1", null, unused);
    OutboundGuard strict = OutboundGuard.strict();
    assertThatThrownBy(
            () ->
                S3Destination.settings(
                    content,
                    new DeliveryTarget(
                        0, "s3", "b", Map.of("endpoint", "http://169.254.169.254/"), null),
                    strict))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(DeliveryFailure.OUTBOUND_REFUSED.name()));
    assertThatThrownBy(
            () ->
                S3Destination.settings(
                    content,
                    new DeliveryTarget(
                        0, "s3", "b", Map.of("endpoint", "http://127.0.0.1:9000"), null),
                    strict))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(DeliveryFailure.OUTBOUND_REFUSED.name()));
    assertThatThrownBy(
            () ->
                S3Destination.settings(
                    content,
                    new DeliveryTarget(0, "s3", "b", Map.of("format", "rar"), null),
                    strict))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo(DeliveryFailure.REQUEST_REJECTED.name()));

    S3Destination.Settings allowed =
        S3Destination.settings(
            content,
            new DeliveryTarget(
                0,
                "s3",
                "b",
                Map.of("endpoint", "http://127.0.0.1:9000", "prefix", "/out/", "format", "zip"),
                null),
            OutboundGuard.allowing("127.0.0.1/32"));
    assertThat(allowed.key()).isEqualTo("out/cap-1_ver-1_d-1.zip");
    assertThat(allowed.pathStyle()).as("path style with a custom endpoint").isTrue();
    assertThat(allowed.region().id()).isEqualTo("us-east-1");
  }

  @Test
  void theResolverChecksEveryAddressWhenTheConnectionIsMade() throws Exception {
    GuardedDnsResolver strict = new GuardedDnsResolver(OutboundGuard.strict(), 9000);
    assertThatThrownBy(() -> strict.resolve("localhost"))
        .isInstanceOf(GuardedDnsResolver.Refused.class)
        .hasMessageContaining("localhost resolves to");
    assertThatThrownBy(() -> strict.resolve("127.0.0.1", 9000))
        .isInstanceOf(GuardedDnsResolver.Refused.class);
    GuardedDnsResolver allowing =
        new GuardedDnsResolver(OutboundGuard.allowing("127.0.0.1:9000"), 9000);
    assertThat(allowing.resolve("127.0.0.1")).containsExactly(InetAddress.getByName("127.0.0.1"));
    assertThatThrownBy(() -> allowing.resolve("127.0.0.1", 9001))
        .as("another port of the allowed address")
        .isInstanceOf(GuardedDnsResolver.Refused.class);
  }
}
