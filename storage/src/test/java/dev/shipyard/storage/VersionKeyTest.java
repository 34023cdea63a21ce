package dev.shipyard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersionKeyTest {

  @Test
  void theFirstCapsuleVersionKeepsTodaysKey() {
    assertThat(VersionKey.capsule("cap_123", 1).key())
        .isEqualTo("capsules/cap_123/versions/v1.json");
    assertThat(VersionKey.first("capsules", "cap_123")).isEqualTo(VersionKey.capsule("cap_123", 1));
  }

  @Test
  void nextCountsUp() {
    VersionKey third = VersionKey.capsule("c-1", 1).next().next();
    assertThat(third.version()).isEqualTo(3);
    assertThat(third.key()).isEqualTo("capsules/c-1/versions/v3.json");
    assertThat(VersionKey.prefix("capsules", "c-1")).isEqualTo("capsules/c-1/versions/");
    assertThat(third.key()).startsWith(VersionKey.prefix("capsules", "c-1"));
  }

  @Test
  void parseIsTheInverseOfKey() {
    VersionKey key = new VersionKey("builds", "b.42", 17);
    assertThat(VersionKey.parse(key.key())).contains(key);
    assertThat(VersionKey.parse("capsules/x/versions/v10.json"))
        .contains(VersionKey.capsule("x", 10));
  }

  @Test
  void parseRefusesWhatIsNotAVersionKey() {
    assertThat(VersionKey.parse(null)).isEmpty();
    assertThat(VersionKey.parse("capsules/x/versions/v0.json")).isEmpty();
    assertThat(VersionKey.parse("capsules/x/versions/v01.json")).isEmpty();
    assertThat(VersionKey.parse("capsules/x/versions/1.json")).isEmpty();
    assertThat(VersionKey.parse("capsules/x/y/versions/v1.json")).isEmpty();
    assertThat(VersionKey.parse("capsules/x..y/versions/v1.json")).isEmpty();
    assertThat(VersionKey.parse("capsules/x/versions/v99999999999.json")).isEmpty();
    assertThat(VersionKey.parse("manifests/sha256/abc.json")).isEmpty();
  }

  @Test
  void versionsStartAtOneAndIdsCannotEscapeTheirPrefix() {
    assertThatThrownBy(() -> VersionKey.capsule("c", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start at 1");
    assertThatThrownBy(() -> VersionKey.capsule("c", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VersionKey.capsule("../etc", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VersionKey.capsule("a/b", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VersionKey.capsule("a..b", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VersionKey.capsule("", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VersionKey("Capsules", "c", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VersionKey("capsules", "c", Integer.MAX_VALUE).next())
        .isInstanceOf(ArithmeticException.class);
  }
}
