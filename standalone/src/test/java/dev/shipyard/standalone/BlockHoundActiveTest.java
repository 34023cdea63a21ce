package dev.shipyard.standalone;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * BlockHound is installed for every test JVM (blockhound-junit-platform). This proves it: a
 * blocking call on a non-blocking thread fails, so any blocking on the API's event loops during the
 * other tests would fail them too.
 */
class BlockHoundActiveTest {

  @Test
  void blockingOnANonBlockingThreadIsDetected() {
    assertThatThrownBy(
            () ->
                Mono.fromCallable(
                        () -> {
                          Thread.sleep(1);
                          return "slept";
                        })
                    .subscribeOn(Schedulers.parallel())
                    .block())
        .hasMessageContaining("Blocking call");
  }
}
