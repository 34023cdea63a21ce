package dev.shipyard.standalone.builds;

import dev.shipyard.activities.builds.ProjectBuilder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The test worker's {@link ProjectBuilder} while the worker has none of its own (the sandbox's
 * toolchain builder, once on main, wins): an auto-configuration of the test classpath, on in the
 * worker of the test platforms only ({@code shipyard.test.project-builder=pytest}).
 */
@AutoConfiguration
@ConditionalOnProperty(name = "shipyard.test.project-builder", havingValue = "pytest")
public class TestBuilderBeans {

  @Bean
  @ConditionalOnMissingBean(ProjectBuilder.class)
  ProjectBuilder projectBuilder() {
    return new PytestBuilder();
  }
}
