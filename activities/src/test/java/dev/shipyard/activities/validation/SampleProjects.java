package dev.shipyard.activities.validation;

import dev.shipyard.activities.codegen.SourceFile;
import dev.shipyard.workflows.capsules.ProjectPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Small, valid projects of each stack, and helpers to break them. */
final class SampleProjects {

  private SampleProjects() {}

  static final List<String> ALL_FEATURES = List.of("crud", "docker", "ci", "tests");

  static ProjectPlan plan(String stack, String language, String framework) {
    return new ProjectPlan(
        "items-service", stack, language, framework, "none", ALL_FEATURES, List.of("item"));
  }

  static final ProjectPlan PYTHON_PLAN = plan("python-fastapi", "python", "fastapi");
  static final ProjectPlan JAVA_PLAN = plan("java-spring-boot", "java", "spring-boot");
  static final ProjectPlan NODE_PLAN = plan("node-express", "javascript", "express");

  static String workflow(String... steps) {
    StringBuilder yaml =
        new StringBuilder(
            """
            name: CI
            on:
              push:
                branches: [main]
              pull_request:
            jobs:
              test:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
            """);
    for (String step : steps) {
      yaml.append("      - run: ").append(step).append('\n');
    }
    return yaml.toString();
  }

  static List<SourceFile> python() {
    return List.of(
        new SourceFile("app/__init__.py", ""),
        new SourceFile(
            "app/main.py",
            """
            from fastapi import FastAPI, HTTPException
            from pydantic import BaseModel

            app = FastAPI(title="items-service")
            items: dict[int, "Item"] = {}


            class Item(BaseModel):
                id: int
                name: str


            @app.get("/health")
            def health() -> dict:
                return {"status": "ok"}


            @app.post("/items", status_code=201)
            def create_item(item: Item) -> Item:
                items[item.id] = item
                return item


            @app.get("/items/{item_id}")
            def read_item(item_id: int) -> Item:
                if item_id not in items:
                    raise HTTPException(status_code=404, detail="Item not found")
                return items[item_id]
            """),
        new SourceFile(
            "tests/test_main.py",
            """
            from fastapi.testclient import TestClient

            from app.main import app

            client = TestClient(app)


            def test_health():
                assert client.get("/health").json() == {"status": "ok"}


            def test_create_and_read():
                assert client.post("/items", json={"id": 1, "name": "a"}).status_code == 201
                assert client.get("/items/1").json()["name"] == "a"
            """),
        new SourceFile("requirements.txt", "fastapi==0.115.0\nuvicorn==0.30.6\nhttpx==0.27.2\n"),
        new SourceFile(
            "Dockerfile",
            """
            FROM python:3.12-slim
            WORKDIR /app
            COPY requirements.txt .
            RUN pip install --no-cache-dir -r requirements.txt
            COPY app ./app
            RUN useradd --create-home app
            USER app
            EXPOSE 8000
            CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
            """),
        new SourceFile(
            ".github/workflows/ci.yml",
            workflow("pip install -r requirements.txt pytest", "pytest -q")),
        new SourceFile(".env.example", "SECRET_KEY=change-me\nDATABASE_URL=\n"),
        new SourceFile("README.md", "# items-service\n\nRun: `uvicorn app.main:app`\n"));
  }

  static List<SourceFile> java() {
    String pkg = "src/main/java/com/example/items/";
    return List.of(
        new SourceFile(
            "pom.xml",
            "<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId>"
                + "<artifactId>items</artifactId><version>1.0.0</version></project>\n"),
        new SourceFile(
            pkg + "ItemsApplication.java",
            """
            package com.example.items;

            import org.springframework.boot.SpringApplication;
            import org.springframework.boot.autoconfigure.SpringBootApplication;

            @SpringBootApplication
            public class ItemsApplication {
              public static void main(String[] args) {
                SpringApplication.run(ItemsApplication.class, args);
              }
            }
            """),
        new SourceFile(
            pkg + "Item.java",
            """
            package com.example.items;

            import jakarta.validation.constraints.NotBlank;

            public record Item(Long id, @NotBlank String name) {}
            """),
        new SourceFile(
            pkg + "ItemController.java",
            """
            package com.example.items;

            import jakarta.validation.Valid;
            import java.util.Map;
            import java.util.concurrent.ConcurrentHashMap;
            import java.util.concurrent.atomic.AtomicLong;
            import org.springframework.http.HttpStatus;
            import org.springframework.http.ResponseEntity;
            import org.springframework.web.bind.annotation.GetMapping;
            import org.springframework.web.bind.annotation.PathVariable;
            import org.springframework.web.bind.annotation.PostMapping;
            import org.springframework.web.bind.annotation.RequestBody;
            import org.springframework.web.bind.annotation.RequestMapping;
            import org.springframework.web.bind.annotation.RestController;

            @RestController
            @RequestMapping("/items")
            public class ItemController {
              private final Map<Long, Item> items = new ConcurrentHashMap<>();
              private final AtomicLong ids = new AtomicLong();

              @PostMapping
              public ResponseEntity<Item> create(@Valid @RequestBody Item item) {
                Item saved = new Item(ids.incrementAndGet(), item.name());
                items.put(saved.id(), saved);
                return ResponseEntity.status(HttpStatus.CREATED).body(saved);
              }

              @GetMapping("/{id}")
              public ResponseEntity<Item> get(@PathVariable Long id) {
                Item item = items.get(id);
                return item == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(item);
              }
            }
            """),
        new SourceFile(
            "src/test/java/com/example/items/ItemControllerTest.java",
            """
            package com.example.items;

            import static org.assertj.core.api.Assertions.assertThat;
            import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
            import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
            import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

            import org.junit.jupiter.api.Test;
            import org.springframework.beans.factory.annotation.Autowired;
            import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
            import org.springframework.http.MediaType;
            import org.springframework.http.ResponseEntity;
            import org.springframework.test.web.servlet.MockMvc;

            @WebMvcTest(ItemController.class)
            class ItemControllerTest {
              @Autowired MockMvc mvc;

              @Test
              void createsItems() throws Exception {
                mvc.perform(
                        post("/items").contentType(MediaType.APPLICATION_JSON).content("{\\"name\\":\\"a\\"}"))
                    .andExpect(status().isCreated());
                mvc.perform(get("/items/99")).andExpect(status().isNotFound());
              }

              @Test
              void plainController() {
                ResponseEntity<Item> missing = new ItemController().get(1L);
                assertThat(missing.getStatusCode().value()).isEqualTo(404);
              }
            }
            """),
        new SourceFile(
            "src/main/resources/application.yml",
            "server:\n  port: 8080\nspring:\n  application:\n    name: items\n"),
        new SourceFile(
            "Dockerfile",
            """
            FROM maven:3.9-eclipse-temurin-17 AS build
            WORKDIR /src
            COPY . .
            RUN mvn -q -DskipTests package

            FROM eclipse-temurin:17-jre
            WORKDIR /app
            COPY --from=build /src/target/*.jar app.jar
            USER 1000
            EXPOSE 8080
            ENTRYPOINT ["java", "-jar", "/app/app.jar"]
            """),
        new SourceFile(".github/workflows/ci.yml", workflow("mvn -B verify")),
        new SourceFile("README.md", "# items\n\n`mvn spring-boot:run`\n"));
  }

  static List<SourceFile> node() {
    return List.of(
        new SourceFile(
            "package.json",
            """
            {
              "name": "items-service",
              "version": "1.0.0",
              "main": "src/server.js",
              "scripts": {"start": "node src/server.js", "test": "node --test"},
              "dependencies": {"express": "^4.21.0"}
            }
            """),
        new SourceFile(
            "src/app.js",
            """
            const express = require('express');

            const app = express();
            app.use(express.json());
            const items = new Map();

            app.get('/health', (req, res) => res.json({ status: 'ok' }));
            app.post('/items', (req, res) => {
              const item = { id: items.size + 1, name: req.body.name };
              items.set(item.id, item);
              res.status(201).json(item);
            });

            module.exports = app;
            """),
        new SourceFile(
            "src/server.js",
            """
            const app = require('./app');

            const port = process.env.PORT || 3000;
            app.listen(port, () => console.log(`listening on ${port}`));
            """),
        new SourceFile(
            "test/app.test.js",
            """
            const test = require('node:test');
            const assert = require('node:assert');
            const app = require('../src/app');

            test('app is an express app', () => {
              assert.strictEqual(typeof app.listen, 'function');
            });
            """),
        new SourceFile(
            "Dockerfile",
            """
            FROM node:20-alpine
            WORKDIR /app
            COPY package*.json ./
            RUN npm ci --omit=dev
            COPY src ./src
            USER node
            EXPOSE 3000
            CMD ["node", "src/server.js"]
            """),
        new SourceFile(".github/workflows/ci.yml", workflow("npm ci", "npm test")),
        new SourceFile("README.md", "# items-service\n\n`npm start`\n"));
  }

  /** The files with {@code path} replaced (or added) by {@code content}. */
  static List<SourceFile> with(List<SourceFile> files, String path, String content) {
    List<SourceFile> result = new ArrayList<>(without(files, f -> f.equals(path)));
    result.add(new SourceFile(path, content));
    return result;
  }

  static List<SourceFile> without(List<SourceFile> files, Predicate<String> path) {
    return files.stream().filter(f -> !path.test(f.path())).toList();
  }

  static String content(List<SourceFile> files, String path) {
    return files.stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().content();
  }
}
