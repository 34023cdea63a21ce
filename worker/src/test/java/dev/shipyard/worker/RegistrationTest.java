package dev.shipyard.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shipyard.workflows.WorkerRegistry;
import dev.shipyard.workflows.WorkerRegistry.ActivityBinding;
import io.temporal.activity.ActivityInterface;
import io.temporal.workflow.WorkflowInterface;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

/**
 * The one registration is complete: every workflow and activity interface in {@code workflows} is
 * registered, every activity interface has its own name prefix, and the worker has a bean for every
 * registered activity.
 */
class RegistrationTest {

  @Test
  void everyWorkflowInterfaceHasARegisteredImplementation() {
    List<String> unregistered = new ArrayList<>();
    for (Class<?> type : scan(WorkflowInterface.class)) {
      boolean registered =
          WorkerRegistry.WORKFLOWS.stream()
              .anyMatch(w -> type.isAssignableFrom(w.implementation()));
      if (!registered) {
        unregistered.add(type.getName());
      }
    }
    assertThat(unregistered).as("@WorkflowInterface types registered nowhere").isEmpty();
  }

  @Test
  void everyActivityInterfaceIsRegisteredWithItsOwnPrefix() {
    List<Class<?>> activities = scan(ActivityInterface.class);
    assertThat(activities).isNotEmpty();
    Set<String> prefixes = new HashSet<>();
    for (Class<?> type : activities) {
      assertThat(WorkerRegistry.ACTIVITIES)
          .as("registration of " + type.getName())
          .anyMatch(a -> a.activityInterface() == type);
      String prefix = type.getAnnotation(ActivityInterface.class).namePrefix();
      assertThat(prefix).as("namePrefix of " + type.getName()).isNotBlank();
      assertThat(prefixes.add(prefix)).as("prefix " + prefix + " used twice").isTrue();
    }
  }

  @Test
  void theWorkerHasABeanForEveryRegisteredActivity() {
    for (ActivityBinding binding : WorkerRegistry.ACTIVITIES) {
      Method bean = beanMethod(binding.beanName());
      assertThat(bean).as("@Bean " + binding.beanName() + " in ActivityBeans").isNotNull();
      assertThat(binding.activityInterface()).isAssignableFrom(bean.getReturnType());
    }
  }

  @Test
  void workerPropertiesPutEachBindingOnItsQueue() {
    Map<String, Object> props = WorkerRegistration.properties();
    List<String> queues = WorkerRegistry.taskQueues();
    for (int i = 0; i < queues.size(); i++) {
      assertThat(props)
          .containsEntry("spring.temporal.workers[" + i + "].task-queue", queues.get(i));
    }
    for (ActivityBinding binding : WorkerRegistry.ACTIVITIES) {
      int queue = queues.indexOf(binding.taskQueue());
      assertThat(props)
          .as(binding.beanName())
          .containsValue(binding.beanName())
          .anySatisfy(
              (key, value) -> {
                assertThat(key)
                    .startsWith("spring.temporal.workers[" + queue + "].activity-beans[");
                assertThat(value).isEqualTo(binding.beanName());
              });
    }
  }

  @Test
  void aWorkerCanServeOneQueueAlone() {
    Map<String, Object> cpu = WorkerRegistration.properties(List.of(), " shipyard-cpu ");
    assertThat(cpu)
        .containsEntry("spring.temporal.workers[0].task-queue", "shipyard-cpu")
        .containsEntry(
            "spring.temporal.workers[0].activity-beans[0]", "capsuleValidationActivities")
        .doesNotContainKey("spring.temporal.workers[1].task-queue");
    assertThat(WorkerRegistration.properties(List.of(), ""))
        .isEqualTo(WorkerRegistration.properties());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> WorkerRegistration.properties(List.of(), "shipyard-cpu,no-such-queue"))
        .hasMessageContaining("no-such-queue");
  }

  private static Method beanMethod(String name) {
    for (Method m : ActivityBeans.class.getDeclaredMethods()) {
      if (m.getName().equals(name) && m.isAnnotationPresent(Bean.class)) {
        return m;
      }
    }
    return null;
  }

  /** Every interface in {@code dev.shipyard.workflows} annotated with {@code annotation}. */
  private static List<Class<?>> scan(Class<? extends java.lang.annotation.Annotation> annotation) {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(false) {
          @Override
          protected boolean isCandidateComponent(
              org.springframework.beans.factory.annotation.AnnotatedBeanDefinition definition) {
            return definition.getMetadata().isInterface();
          }
        };
    scanner.addIncludeFilter(new AnnotationTypeFilter(annotation, false, true));
    List<Class<?>> types = new ArrayList<>();
    scanner
        .findCandidateComponents("dev.shipyard.workflows")
        .forEach(
            d -> {
              try {
                types.add(Class.forName(d.getBeanClassName()));
              } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
              }
            });
    return types;
  }
}
