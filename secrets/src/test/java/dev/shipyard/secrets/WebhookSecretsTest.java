package dev.shipyard.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class WebhookSecretsTest {

  /**
   * The test vector of the Standard Webhooks libraries (standard-webhooks, libraries/*: the secret,
   * message ID, timestamp and payload of their signature tests, and the signature they expect).
   */
  @Test
  void signsTheStandardsTestVector() {
    byte[] key = WebhookSecrets.key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    String signature =
        WebhookSecrets.sign(
            key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}");
    assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void newSecretsAreWhsecWith32RandomBytes() {
    String a = WebhookSecrets.newSecret();
    String b = WebhookSecrets.newSecret();
    assertThat(a).startsWith("whsec_").isNotEqualTo(b);
    assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
    assertThat(WebhookSecrets.key(a)).hasSize(32);
  }

  @Test
  void aSecretWithoutThePrefixIsItsUtf8Bytes() {
    assertThat(WebhookSecrets.key("plain")).isEqualTo("plain".getBytes());
  }
}
