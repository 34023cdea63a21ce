package dev.shipyard.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundGuardTest {

  private final OutboundGuard strict = OutboundGuard.strict();

  @Test
  void theTwoUrlsOfTheIssueAreRefusedWithoutDns() {
    assertThatThrownBy(() -> strict.check("http://169.254.169.254/latest/meta-data"))
        .isInstanceOf(OutboundRefusedException.class)
        .hasMessageContaining("169.254.169.254")
        .hasMessageContaining("metadata")
        .hasMessageNotContaining("meta-data");
    assertThatThrownBy(() -> strict.check("http://127.0.0.1:15432/"))
        .isInstanceOf(OutboundRefusedException.class)
        .hasMessageContaining("loopback");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ftp://example.com/x",
        "file:///etc/passwd",
        "gopher://example.com/",
        "javascript:alert(1)",
        "http:///nohost",
        "not a url",
        "http://user:pw@example.com/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://METADATA.GOOGLE.INTERNAL./computeMetadata/v1/",
        "http://[fd00:ec2::254]/latest/meta-data",
        "http://[fe80::1]/",
        "http://169.254.170.2/v2/credentials",
        "http://[::ffff:169.254.169.254]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[::1]:8080/",
        "http://[::1]:15432/", // the local platform's PostgreSQL port (issue 13 "Must show")
        "http://[::]/",
        "http://0.0.0.0:5432/",
        "http://10.0.0.8/",
        "http://172.16.4.4/",
        "http://192.168.1.1/",
        "http://100.100.100.200/latest/meta-data",
        "http://[fd12:3456::1]/",
        "http://224.0.0.1/",
        "http://255.255.255.255/",
        "http://[2002:7f00:1::]/",
        // Not dotted quads: java.net.URI finds no host in these, so they are refused too.
        "http://2130706433/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://0177.0.0.1/"
      })
  void refusesForbiddenUrlsAtRequestTime(String url) {
    assertThatThrownBy(() -> strict.check(url)).isInstanceOf(OutboundRefusedException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://hooks.example.com/shipyard?token=abc",
        "http://93.184.215.14:8080/x",
        "https://[2606:4700::1111]/",
        "http://localhost:8080/" // a name: decided on its resolved address, at connect time
      })
  void acceptsWhatItCannotRefuseWithoutDns(String url) {
    assertThatCode(() -> strict.check(url)).doesNotThrowAnyException();
  }

  @Test
  void metadataAndLinkLocalStayRefusedWhateverIsAllowed() {
    OutboundGuard open = OutboundGuard.allowing("0.0.0.0/0, ::/0, 169.254.169.254:80");
    assertThatThrownBy(() -> open.check("http://169.254.169.254/latest/meta-data"))
        .isInstanceOf(OutboundRefusedException.class);
    assertThatThrownBy(() -> open.check("http://[fe80::1]/"))
        .isInstanceOf(OutboundRefusedException.class);
    assertThatThrownBy(() -> open.check("http://metadata.google.internal/"))
        .isInstanceOf(OutboundRefusedException.class);
    assertThatCode(() -> open.check("http://10.1.2.3/")).doesNotThrowAnyException();
  }

  @Test
  void allowancesAreExactCidrsOrHostPorts() throws Exception {
    OutboundGuard guard =
        OutboundGuard.allowing(" 127.0.0.1:8089 , 10.20.0.0/16,[::1]:9000, hooks.internal:443,");
    assertThatCode(() -> guard.check("http://127.0.0.1:8089/hook")).doesNotThrowAnyException();
    assertThatThrownBy(() -> guard.check("http://127.0.0.1:8090/hook"))
        .isInstanceOf(OutboundRefusedException.class);
    assertThatThrownBy(() -> guard.check("http://127.0.0.2:8089/hook"))
        .isInstanceOf(OutboundRefusedException.class);
    assertThatCode(() -> guard.check("http://10.20.255.1:1/")).doesNotThrowAnyException();
    assertThatThrownBy(() -> guard.check("http://10.21.0.1/"))
        .isInstanceOf(OutboundRefusedException.class);
    assertThatCode(() -> guard.check("http://[::1]:9000/")).doesNotThrowAnyException();
    assertThatThrownBy(() -> guard.check("http://[::1]:9001/"))
        .isInstanceOf(OutboundRefusedException.class);
    guard.checkAddress("hooks.internal", InetAddress.getByName("10.99.0.1"), 443);
    assertThatThrownBy(
            () -> guard.checkAddress("hooks.internal", InetAddress.getByName("10.99.0.1"), 80))
        .isInstanceOf(OutboundRefusedException.class);
  }

  @Test
  void badAllowancesFailAtStartup() {
    assertThatThrownBy(() -> OutboundGuard.allowing("example.com"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OutboundGuard.allowing("127.0.0.1:http"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> OutboundGuard.allowing("10.0.0.0/33"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNameIsJudgedByTheAddressesItResolvesTo() throws Exception {
    assertThatThrownBy(() -> strict.resolve(URI.create("http://localhost:8080/hook")))
        .isInstanceOf(OutboundRefusedException.class)
        .hasMessageContaining("localhost resolves to")
        .hasMessageContaining("loopback");

    OutboundGuard allowed = OutboundGuard.allowing("localhost:8080");
    InetSocketAddress pinned = allowed.resolve(URI.create("http://localhost:8080/hook"));
    assertThat(pinned.isUnresolved()).isFalse();
    assertThat(pinned.getAddress().isLoopbackAddress()).isTrue();
    assertThat(pinned.getPort()).isEqualTo(8080);
  }

  @Test
  void classifiesEmbeddedIpv4ByTheEmbeddedAddress() throws Exception {
    assertThat(AddressClass.of(InetAddress.getByName("64:ff9b::7f00:1")))
        .isEqualTo(AddressClass.LOOPBACK);
    assertThat(AddressClass.of(InetAddress.getByName("2002:a00:1::")))
        .isEqualTo(AddressClass.PRIVATE);
    assertThat(AddressClass.of(InetAddress.getByName("64:ff9b::808:808")))
        .isEqualTo(AddressClass.PUBLIC);
    assertThat(AddressClass.of(InetAddress.getByName("100.64.0.1"))).isEqualTo(AddressClass.CGNAT);
    assertThat(AddressClass.of(InetAddress.getByName("8.8.8.8"))).isEqualTo(AddressClass.PUBLIC);
  }
}
