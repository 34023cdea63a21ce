package dev.shipyard.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretBoxTest {

  private final String k1 = SecretBox.newKeyConfig("k1");
  private final String k2 = SecretBox.newKeyConfig("k2");

  @Test
  void sealsAndOpensAndNeverShowsThePlaintext() {
    SecretBox box = SecretBox.fromConfig(k1);
    String sealed = box.seal("deployment:1:env", "hunter2-password");
    assertThat(sealed).startsWith("v1.k1.").doesNotContain("hunter2");
    assertThat(box.open("deployment:1:env", sealed)).isEqualTo("hunter2-password");
    assertThat(box.seal("deployment:1:env", "hunter2-password")).isNotEqualTo(sealed);
  }

  @Test
  void anotherContextOrAnAlteredValueDoesNotOpen() {
    SecretBox box = SecretBox.fromConfig(k1);
    String sealed = box.seal("deployment:1:env", "value");
    assertThatThrownBy(() -> box.open("deployment:2:env", sealed))
        .isInstanceOf(SecretBox.SecretBoxException.class);
    char last = sealed.charAt(sealed.length() - 2);
    String altered =
        sealed.substring(0, sealed.length() - 2)
            + (last == 'A' ? 'B' : 'A')
            + sealed.substring(sealed.length() - 1);
    assertThatThrownBy(() -> box.open("deployment:1:env", altered))
        .isInstanceOf(SecretBox.SecretBoxException.class);
  }

  @Test
  void rotationSealsWithTheFirstKeyAndOpensWithAnyConfiguredOne() {
    String old = SecretBox.fromConfig(k1).seal("c", "before rotation");
    SecretBox rotated = SecretBox.fromConfig(k2 + "," + k1);
    assertThat(rotated.sealingKeyId()).isEqualTo("k2");
    assertThat(rotated.open("c", old)).isEqualTo("before rotation");
    assertThat(rotated.seal("c", "after")).startsWith("v1.k2.");
    assertThatThrownBy(() -> SecretBox.fromConfig(k2).open("c", old))
        .hasMessageContaining("k1")
        .hasMessageNotContaining("before rotation");
  }

  @Test
  void badConfigurationIsRefusedWithoutEchoingTheKey() {
    assertThatThrownBy(() -> SecretBox.fromConfig("")).hasMessageContaining("SECRETS_KEYS");
    assertThatThrownBy(() -> SecretBox.fromConfig("k1:c2hvcnQ="))
        .hasMessageContaining("32 bytes")
        .hasMessageNotContaining("c2hvcnQ");
    assertThatThrownBy(() -> SecretBox.fromConfig(k1 + "," + k1)).hasMessageContaining("twice");
  }
}
