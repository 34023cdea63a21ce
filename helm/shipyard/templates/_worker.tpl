{{/*
One worker Deployment: the main one (values `worker`) or a pool (`worker.pools[i]` over `worker`).
Arguments: ctx (the root context), w (the worker values), name, component.
*/}}
{{- define "shipyard.workerDeployment" -}}
{{- $ctx := .ctx }}
{{- $w := .w }}
{{- $name := .name }}
{{- $component := .component }}
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
      automountServiceAccountToken: {{ $ctx.Values.serviceAccount.automountToken }}
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
      volumes:
        # Writable scratch space (git checkouts, generated files): the root filesystem is read-only.
        - name: tmp
          emptyDir: {}
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
