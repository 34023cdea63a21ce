{{/*
One worker Deployment: the main one (values `worker`) or a pool (`worker.pools[i]` over `worker`).
Arguments: ctx (the root context), w (the worker values), name, component.
*/}}
{{- define "shipyard.workerDeployment" -}}
{{- $ctx := .ctx }}
{{- $w := .w }}
{{- $name := .name }}
{{- $component := .component }}
{{- $b := $w.builds }}
{{- $k8s := eq (include "shipyard.buildSandbox" $b) "kubernetes" }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "shipyard.labels" (dict "ctx" $ctx "component" $component) | nindent 4 }}
spec:
  {{- if not $w.autoscaling.enabled }}
  replicas: {{ $w.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "shipyard.selectorLabels" (dict "ctx" $ctx "component" $component) | nindent 6 }}
  template:
    metadata:
      annotations:
        {{- include "shipyard.podAnnotations" (dict "ctx" $ctx "port" 8081 "extra" $w.podAnnotations) | nindent 8 }}
      labels:
        {{- include "shipyard.labels" (dict "ctx" $ctx "component" $component) | nindent 8 }}
    spec:
      serviceAccountName: {{ include "shipyard.serviceAccountName" $ctx }}
      {{- if $k8s }}
      # Builds run as Kubernetes Jobs: the worker talks to the API server with its token.
      automountServiceAccountToken: true
      {{- else if include "shipyard.deploymentsNeedToken" $ctx }}
      # Deployments go to this cluster: the worker changes them with its token.
      automountServiceAccountToken: true
      {{- else }}
      automountServiceAccountToken: {{ $ctx.Values.serviceAccount.automountToken }}
      {{- end }}
      {{- with $ctx.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $ctx.Values.podSecurityContext | nindent 8 }}
      # Lets in-flight activities finish (or see their cancellation) before the pod is killed.
      terminationGracePeriodSeconds: {{ $w.terminationGracePeriodSeconds }}
      containers:
        - name: worker
          image: {{ include "shipyard.image" (dict "ctx" $ctx "image" $w.image) | quote }}
          imagePullPolicy: {{ $w.image.pullPolicy }}
          securityContext:
            {{- toYaml $ctx.Values.securityContext | nindent 12 }}
          ports:
            # Actuator only (health and Prometheus metrics); the worker serves no API.
            - name: http
              containerPort: 8081
              protocol: TCP
          env:
            - name: PORT
              value: "8081"
            {{- include "shipyard.commonEnv" $ctx | trim | nindent 12 }}
            {{- include "shipyard.envFromConfig" (list $ctx "WORKER_MAX_CONCURRENT_ACTIVITIES") | nindent 12 }}
            {{- include "shipyard.envFromConfig" (list $ctx "WORKER_MAX_CONCURRENT_WORKFLOW_TASKS") | nindent 12 }}
            {{- include "shipyard.envFromConfig" (list $ctx "WORKER_CPU_MAX_CONCURRENT_ACTIVITIES") | nindent 12 }}
            {{- with $w.taskQueues }}
            - name: WORKER_TASK_QUEUES
              value: {{ . | quote }}
            {{- end }}
            - name: CODEGEN_ENGINE
              value: {{ $w.codegen.engine | quote }}
            {{- with $w.codegen.llm.baseUrl }}
            - name: LLM_BASE_URL
              value: {{ . | quote }}
            - name: LLM_MODEL
              value: {{ $w.codegen.llm.model | quote }}
            {{- end }}
            {{- with $w.codegen.llm.existingSecret }}
            {{- include "shipyard.envFromSecret" (list "LLM_API_KEY" . $w.codegen.llm.apiKeyKey) | nindent 12 }}
            {{- end }}
            {{- with $w.webhooks.existingSecret }}
            {{- include "shipyard.envFromSecret" (list "WEBHOOK_SIGNING_SECRET" . $w.webhooks.secretKey) | nindent 12 }}
            {{- end }}
            {{- include "shipyard.buildEnv" (dict "ctx" $ctx "w" $w) | trim | nindent 12 }}
            {{- include "shipyard.deploymentEnv" (dict "ctx" $ctx "component" "worker") | trim | nindent 12 }}
            {{- with $w.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /actuator/health/liveness
              port: http
            periodSeconds: 5
            failureThreshold: 36
          livenessProbe:
            httpGet:
              path: /actuator/health/liveness
              port: http
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            httpGet:
              path: /actuator/health/readiness
              port: http
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          resources:
            {{- toYaml $w.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if $k8s }}
            - name: build-workspaces
              mountPath: {{ $b.workspaceRoot | quote }}
            {{- end }}
            {{- include "shipyard.kubeconfigVolumeMount" $ctx | trim | nindent 12 }}
      volumes:
        # Writable scratch space (git checkouts, generated files): the root filesystem is read-only.
        - name: tmp
          emptyDir: {}
        {{- if $k8s }}
        # Build workspaces, shared with the build Jobs (which mount the same claim at the same path).
        - name: build-workspaces
          persistentVolumeClaim:
            claimName: {{ include "shipyard.buildWorkspaceClaim" $b | quote }}
        {{- end }}
        {{- include "shipyard.kubeconfigVolume" $ctx | trim | nindent 8 }}
      {{- with $w.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $w.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $w.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}


{{/*
Where builds run for the given `builds` values: "local" or "kubernetes" (fails on anything else).
*/}}
{{- define "shipyard.buildSandbox" -}}
{{- $sandbox := .sandbox | default "local" }}
{{- if not (has $sandbox (list "local" "kubernetes")) }}
{{- fail (printf "worker.builds.sandbox must be local or kubernetes, not %q" $sandbox) }}
{{- end }}
{{- $sandbox }}
{{- end }}

{{/*
The ReadWriteMany PVC holding build workspaces; required in Kubernetes mode.
*/}}
{{- define "shipyard.buildWorkspaceClaim" -}}
{{- required "worker.builds.workspaceClaim is required when worker.builds.sandbox=kubernetes: the name of an existing ReadWriteMany PersistentVolumeClaim for build workspaces" .workspaceClaim }}
{{- end }}

{{/*
metadata.namespace of the build Role, RoleBinding and NetworkPolicy: builds.namespace, or none
(the release namespace, like every other resource of the chart). Call with the root context.
*/}}
{{- define "shipyard.buildNamespaceMetadata" -}}
{{- with .Values.worker.builds.namespace }}
namespace: {{ . | quote }}
{{- end }}
{{- end }}

{{/*
BUILD_* and ANALYSIS_* env of a worker container: only what is set, so the worker's own defaults
(worker.yml) apply to the rest. Arguments: ctx, w (the worker values).
*/}}
{{- define "shipyard.buildEnv" -}}
{{- $b := .w.builds }}
{{- if eq (include "shipyard.buildSandbox" $b) "kubernetes" }}
- name: BUILD_SANDBOX
  value: kubernetes
{{- if $b.namespace }}
- name: BUILD_NAMESPACE
  value: {{ $b.namespace | quote }}
{{- else }}
{{- /* The release namespace, as the pod itself sees it (right also for helm template | kubectl -n). */}}
- name: BUILD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- end }}
- name: BUILD_WORKSPACE_CLAIM
  value: {{ include "shipyard.buildWorkspaceClaim" $b | quote }}
- name: BUILD_WORKSPACE_ROOT
  value: {{ required "worker.builds.workspaceRoot is required when worker.builds.sandbox=kubernetes" $b.workspaceRoot | quote }}
{{- with $b.images }}
{{- include "shipyard.optionalEnv" (list "BUILD_IMAGE_JAVA_MAVEN" .javaMaven) }}
{{- include "shipyard.optionalEnv" (list "BUILD_IMAGE_NODE" .node) }}
{{- include "shipyard.optionalEnv" (list "BUILD_IMAGE_PYTHON" .python) }}
{{- include "shipyard.optionalEnv" (list "BUILD_IMAGE_DEFAULT" .default) }}
{{- end }}
{{- include "shipyard.optionalEnv" (list "BUILD_CPU_LIMIT" $b.cpuLimit) }}
{{- else }}
{{- include "shipyard.optionalEnv" (list "BUILD_READ_ONLY_PATHS" $b.readOnlyPaths) }}
{{- end }}
{{- include "shipyard.optionalEnv" (list "BUILD_MEMORY_MB" $b.memoryMb) }}
{{- include "shipyard.optionalEnv" (list "BUILD_STEP_TIMEOUT" $b.stepTimeout) }}
{{- include "shipyard.optionalEnv" (list "BUILD_MAVEN_MIRROR" $b.mavenMirror) }}
{{- include "shipyard.optionalEnv" (list "BUILD_NPM_REGISTRY" $b.npmRegistry) }}
{{- include "shipyard.optionalEnv" (list "BUILD_PIP_INDEX_URL" $b.pipIndexUrl) }}
{{- with .w.analysis }}
{{- include "shipyard.optionalEnv" (list "ANALYSIS_ESLINT" .eslint) }}
{{- include "shipyard.optionalEnv" (list "ANALYSIS_PATH" .path) }}
{{- end }}
{{- end }}

{{/*
One env entry (list name value), rendered only when the value is non-empty.
*/}}
{{- define "shipyard.optionalEnv" -}}
{{- $value := index . 1 }}
{{- if not (kindIs "invalid" $value) }}
{{- if ne (toString $value) "" }}
- name: {{ index . 0 }}
  value: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end }}
