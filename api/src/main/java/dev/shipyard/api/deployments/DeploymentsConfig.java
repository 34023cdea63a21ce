package dev.shipyard.api.deployments;

import dev.shipyard.cluster.ClusterSettings;
import dev.shipyard.secrets.SecretBox;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The API's deployment beans: which cluster deployments go to ({@link ClusterSettings} from {@code
 * shipyard.cluster.*}, the same variables the worker reads) and the {@link SecretBox} that seals
 * environment values and registry credentials before they are stored ({@code SECRETS_KEYS}). With
 * no {@code SECRETS_KEYS} there is no box and deployments are refused with 503 naming it; a
 * malformed value stops the API at startup with the problem named (never the key).
 */
@Configuration(proxyBeanMethods = false)
public class DeploymentsConfig {

  @Bean
  public ClusterSettings clusterSettings(Environment environment) {
    return Binder.get(environment)
        .bind("shipyard.cluster", ClusterSettings.class)
        .orElseGet(() -> new ClusterSettings(null, false, null, null, null, null, null));
  }

  @Bean
  @ConditionalOnExpression("'${shipyard.secrets.keys:}'.trim() != ''")
  public SecretBox secretBox(Environment environment) {
    return SecretBox.fromConfig(environment.getProperty("shipyard.secrets.keys"));
  }
}
