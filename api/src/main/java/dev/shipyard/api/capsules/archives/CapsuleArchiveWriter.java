package dev.shipyard.api.capsules.archives;

import dev.shipyard.storage.archive.ArchiveFormat;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.boot.web.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.HttpMessageWriter;
import reactor.core.publisher.Mono;

/**
 * Writes a {@link CapsuleArchive} that a handler returns as an untyped body: the export seam
 * answers {@code ResponseEntity<Object>}, and WebFlux finds no writer for a {@code Flux} whose
 * element type it cannot see, so the zip export returns the archive itself and this writer streams
 * its body. Registered as a custom codec.
 */
final class CapsuleArchiveWriter implements HttpMessageWriter<CapsuleArchive> {

  private static final List<MediaType> TYPES =
      Arrays.stream(ArchiveFormat.values())
          .map(f -> MediaType.parseMediaType(f.contentType()))
          .toList();

  @Override
  public List<MediaType> getWritableMediaTypes() {
    return TYPES;
  }

  @Override
  public boolean canWrite(ResolvableType elementType, MediaType mediaType) {
    return CapsuleArchive.class.isAssignableFrom(elementType.toClass())
        && (mediaType == null || TYPES.stream().anyMatch(t -> t.isCompatibleWith(mediaType)));
  }

  @Override
  public Mono<Void> write(
      Publisher<? extends CapsuleArchive> input,
      ResolvableType elementType,
      MediaType mediaType,
      ReactiveHttpOutputMessage message,
      Map<String, Object> hints) {
    return Mono.from(input)
        .flatMap(
            archive -> {
              // The handler's ResponseEntity set them already; an archive returned bare gets them.
              archive
                  .headers()
                  .forEach((name, values) -> message.getHeaders().putIfAbsent(name, values));
              return message.writeWith(archive.body());
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class Registration {
    @Bean
    CodecCustomizer capsuleArchiveCodec() {
      return configurer -> configurer.customCodecs().register(new CapsuleArchiveWriter());
    }
  }
}
