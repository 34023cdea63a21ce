package dev.shipyard.api.capsules.signing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;

/** The JDK's Ed25519 in the encodings the API publishes, and the documented HMAC form. */
class SigningPrimitivesTest {

  @Test
  void ed25519SignaturesVerifyWithThePublishedPemAndNotOverOtherBytes() {
    KeyPair pair = Ed25519.generate();
    byte[] message = "{\"a\":{\"sha256\":\"00\",\"size\":1}}".getBytes(StandardCharsets.UTF_8);
    byte[] signature = Ed25519.sign(Ed25519.privateKey(pair.getPrivate().getEncoded()), message);

    String pem = Ed25519.pem(pair.getPublic());
    assertThat(pem)
        .startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("-----END PUBLIC KEY-----\n");
    assertThat(signature).hasSize(Ed25519.SIGNATURE_BYTES);
    assertThat(Ed25519.verify(Ed25519.publicKey(pem), message, signature)).isTrue();
    message[3] ^= 1;
    assertThat(Ed25519.verify(Ed25519.publicKey(pem), message, signature)).isFalse();
    assertThat(Ed25519.keyId(pair.getPublic())).matches("[0-9a-f]{16}");
    assertThat(Ed25519.keyId(Ed25519.generate().getPublic()))
        .isNotEqualTo(Ed25519.keyId(pair.getPublic()));
  }

  @Test
  void hmacIsTheDocumentedSha256HexForm() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    byte[] data = "what do ya want for nothing?".getBytes(StandardCharsets.UTF_8);
    String expected = "sha256:5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    assertThat(HmacSha256.sign("Jefe", data)).isEqualTo(expected);
    assertThat(HmacSha256.verify("Jefe", data, expected.toUpperCase().replace("SHA256", "sha256")))
        .isTrue();
    assertThat(HmacSha256.verify("jefe", data, expected)).isFalse();
  }

  @Test
  void manifestDifferencesNameAddedRemovedAndChangedFiles() {
    var from =
        dev.shipyard.storage.FileManifest.of(
            java.util.List.of(
                new dev.shipyard.storage.FileManifest.Entry("a", "11", 1),
                new dev.shipyard.storage.FileManifest.Entry("b", "22", 2),
                new dev.shipyard.storage.FileManifest.Entry("c", "33", 3)));
    var to =
        dev.shipyard.storage.FileManifest.of(
            java.util.List.of(
                new dev.shipyard.storage.FileManifest.Entry("a", "11", 1),
                new dev.shipyard.storage.FileManifest.Entry("b", "2f", 2),
                new dev.shipyard.storage.FileManifest.Entry("d", "44", 4)));
    assertThat(StoredFiles.differences(from, to)).containsExactly("b", "c", "d");
    assertThat(StoredFiles.differences(from, from)).isEmpty();
  }
}
