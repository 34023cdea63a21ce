package dev.shipyard.activities.builds;

/** A small Maven project with JUnit 5 only: one class, two tests, one untested method. */
final class MavenFixture {

  private MavenFixture() {}

  static final String POM =
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <project xmlns="http://maven.apache.org/POM/4.0.0">
        <modelVersion>4.0.0</modelVersion>
        <groupId>demo</groupId>
        <artifactId>calculator</artifactId>
        <version>1.0.0</version>
        <properties>
          <maven.compiler.release>17</maven.compiler.release>
          <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
        </properties>
        <dependencies>
          <dependency>
            <groupId>org.junit.jupiter</groupId>
            <artifactId>junit-jupiter</artifactId>
            <version>5.11.4</version>
            <scope>test</scope>
          </dependency>
        </dependencies>
        <build>
          <plugins>
            <plugin>
              <artifactId>maven-compiler-plugin</artifactId>
              <version>3.13.0</version>
            </plugin>
            <plugin>
              <artifactId>maven-surefire-plugin</artifactId>
              <version>3.5.2</version>
            </plugin>
          </plugins>
        </build>
      </project>
      """;

  static final String MAIN =
      """
      package demo;

      public final class Calculator {
        public int add(int a, int b) {
          return a + b;
        }

        public int subtract(int a, int b) {
          return a - b;
        }

        public int multiply(int a, int b) {
          int result = 0;
          for (int i = 0; i < b; i++) {
            result += a;
          }
          return result;
        }
      }
      """;

  static final String TEST =
      """
      package demo;

      import static org.junit.jupiter.api.Assertions.assertEquals;

      import org.junit.jupiter.api.Test;

      class CalculatorTest {
        @Test
        void adds() {
          assertEquals(5, new Calculator().add(2, 3));
        }

        @Test
        void subtracts() {
          assertEquals(-1, new Calculator().subtract(2, 3));
        }
      }
      """;
}
