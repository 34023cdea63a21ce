{{/*
Chart name, truncated to 63 characters (the limit of a DNS label, which names must fit).
*/}}
{{- define "shipyard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name: "<release>-<chart>", or just the release name if it already contains
the chart name. Component resources append "-api" / "-worker".
*/}}
{{- define "shipyard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
"chart-version" for the helm.sh/chart label.
*/}}
{{- define "shipyard.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every resource. Call with (dict "ctx" $ "component" "api"); component may be empty.
*/}}
{{- define "shipyard.labels" -}}
helm.sh/chart: {{ include "shipyard.chart" .ctx }}
{{ include "shipyard.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: shipyard
{{- end }}

{{/*
Selector labels: immutable on a Deployment, so only name, instance and component.
*/}}
{{- define "shipyard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shipyard.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- end }}

{{/*
ServiceAccount the pods run as.
*/}}
{{- define "shipyard.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "shipyard.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference for a component. Call with (dict "ctx" $ "image" .Values.api.image).
*/}}
{{- define "shipyard.image" -}}
{{- printf "%s:%s" .image.repository (.image.tag | default .ctx.Chart.AppVersion | toString) }}
{{- end }}

{{- define "shipyard.configMapName" -}}
{{- printf "%s-config" (include "shipyard.fullname" .) }}
{{- end }}

{{/*
One env entry read from the chart's ConfigMap. Call with (list $ "ENV_NAME").
*/}}
{{- define "shipyard.envFromConfig" -}}
{{- $ctx := index . 0 }}
{{- $key := index . 1 -}}
- name: {{ $key }}
  valueFrom:
    configMapKeyRef:
      name: {{ include "shipyard.configMapName" $ctx }}
      key: {{ $key }}
{{- end }}

{{/*
One env entry read from an existing Secret. Call with (list "ENV_NAME" "secret-name" "key").
*/}}
{{- define "shipyard.envFromSecret" -}}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ index . 1 }}
      key: {{ index . 2 }}
{{- end }}

{{/*
Environment shared by the api and the worker: non-secret settings from the ConfigMap, secrets
by reference from existing Secrets. Starts with a newline: include it with "| trim | nindent N".
*/}}
{{- define "shipyard.commonEnv" -}}
{{- range list "TEMPORAL_ADDRESS" "TEMPORAL_NAMESPACE" "DATABASE_URL" "DATABASE_USERNAME" "S3_ENDPOINT" "S3_REGION" "S3_BUCKET" "S3_PATH_STYLE" "OUTBOUND_ALLOWED" }}
{{ include "shipyard.envFromConfig" (list $ .) }}
{{- end }}
{{ include "shipyard.envFromSecret" (list "DATABASE_PASSWORD" (required "database.existingSecret is required: the name of an existing Secret holding the database password" .Values.database.existingSecret) .Values.database.passwordKey) }}
{{- with .Values.s3.existingSecret }}
{{ include "shipyard.envFromSecret" (list "S3_ACCESS_KEY" . $.Values.s3.accessKeyKey) }}
{{ include "shipyard.envFromSecret" (list "S3_SECRET_KEY" . $.Values.s3.secretKeyKey) }}
{{- end }}
{{- end }}

{{/*
Pod annotations: Prometheus scraping (optional), a checksum of the ConfigMap so that config
changes roll the pods, and the component's own annotations. Call with (dict "ctx" $ "port" 8080
"extra" .Values.api.podAnnotations).
*/}}
{{- define "shipyard.podAnnotations" -}}
checksum/config: {{ include (print .ctx.Template.BasePath "/configmap.yaml") .ctx | sha256sum }}
{{- if .ctx.Values.metrics.scrapeAnnotations }}
prometheus.io/scrape: "true"
prometheus.io/path: /actuator/prometheus
prometheus.io/port: {{ .port | quote }}
{{- end }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
HorizontalPodAutoscaler metrics. Call with the component's autoscaling values; include with "| trim".
*/}}
{{- define "shipyard.hpaMetrics" -}}
{{- if not (or .targetCPUUtilizationPercentage .targetMemoryUtilizationPercentage) }}
{{- fail "autoscaling needs targetCPUUtilizationPercentage and/or targetMemoryUtilizationPercentage" }}
{{- end }}
{{- with .targetCPUUtilizationPercentage }}
- type: Resource
  resource:
    name: cpu
    target:
      type: Utilization
      averageUtilization: {{ . }}
{{- end }}
{{- with .targetMemoryUtilizationPercentage }}
- type: Resource
  resource:
    name: memory
    target:
      type: Utilization
      averageUtilization: {{ . }}
{{- end }}
{{- end }}
