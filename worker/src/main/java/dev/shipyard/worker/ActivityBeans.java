package dev.shipyard.worker;

import dev.shipyard.activities.projection.JdbcProjectionActivities;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The one assembly point of activity implementations. worker.yml names these beans under the task
 * queue that serves them.
 */
@Configuration(proxyBeanMethods = false)
class ActivityBeans {

  @Bean
  JdbcProjectionActivities projectionActivities(JdbcTemplate jdbc) {
    return new JdbcProjectionActivities(jdbc);
  }
}
