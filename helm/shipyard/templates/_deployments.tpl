{{/*
Where users' apps are deployed (deployments.cluster): "none", "inCluster" or "kubeconfig" (fails
on anything else). Call with the root context.
*/}}
{{- define "shipyard.deploymentCluster" -}}
{{- $cluster := .Values.deployments.cluster | default "none" }}
{{- if not (has $cluster (list "none" "inCluster" "kubeconfig")) }}
{{- fail (printf "deployments.cluster must be none, inCluster or kubeconfig, not %q" $cluster) }}
{{- end }}
{{- $cluster }}
{{- end }}

{{/*
Where the kubeconfig Secret is mounted in the pods (cluster=kubeconfig), and the file in it.
*/}}
{{- define "shipyard.kubeconfigDir" -}}
/etc/shipyard/kubeconfig
{{- end }}

{{- define "shipyard.kubeconfigPath" -}}
{{- printf "%s/config" (include "shipyard.kubeconfigDir" .) }}
{{- end }}

{{/*
Environment of the deployments feature for one component (api or worker): the cluster settings
from the ConfigMap (only with a cluster), KUBECONFIG_PATH next to its mount, SECRETS_KEYS by
reference. Arguments: ctx (the root context), component ("api" or "worker"). Starts with a
newline: include it with "| trim | nindent N" (it may render nothing).
*/}}
{{- define "shipyard.deploymentEnv" -}}
{{- $ctx := .ctx }}
{{- $cluster := include "shipyard.deploymentCluster" $ctx }}
{{- if ne $cluster "none" }}
{{- if eq $cluster "kubeconfig" }}
{{- /* The file of the kubeconfig Secret volume (see shipyard.kubeconfigVolume). */}}
- name: KUBECONFIG_PATH
  value: {{ include "shipyard.kubeconfigPath" $ctx | quote }}
{{- else }}
{{ include "shipyard.envFromConfig" (list $ctx "KUBERNETES_IN_CLUSTER") }}
{{- end }}
{{- range list "KUBERNETES_NAMESPACE" "DOMAIN_SUFFIX" "INGRESS_CLASS_NAME" "CERT_MANAGER_CLUSTER_ISSUER" }}
{{ include "shipyard.envFromConfig" (list $ctx .) }}
{{- end }}
{{- if eq .component "api" }}
{{- range list "DEPLOYMENT_PROGRESS_DEADLINE" "DEPLOYMENT_RECONCILE_PERIOD" "DEPLOYMENT_AUTO_ROLLBACK" }}
{{ include "shipyard.envFromConfig" (list $ctx .) }}
{{- end }}
{{- else }}
{{ include "shipyard.envFromConfig" (list $ctx "WEBHOOK_URL") }}
{{- end }}
{{- end }}
{{- with $ctx.Values.secrets.existingSecret }}
{{ include "shipyard.envFromSecret" (list "SECRETS_KEYS" . $ctx.Values.secrets.key) }}
{{- end }}
{{- end }}

{{/*
The kubeconfig volume mount of a container (cluster=kubeconfig only). Call with the root context;
include with "| trim | nindent N".
*/}}
{{- define "shipyard.kubeconfigVolumeMount" -}}
{{- if eq (include "shipyard.deploymentCluster" .) "kubeconfig" }}
- name: kubeconfig
  mountPath: {{ include "shipyard.kubeconfigDir" . | quote }}
  readOnly: true
{{- end }}
{{- end }}

{{/*
The kubeconfig volume of a pod (cluster=kubeconfig only): the one key of the existing Secret, as
the file KUBECONFIG_PATH names, readable by the pod's group only. Call with the root context.
*/}}
{{- define "shipyard.kubeconfigVolume" -}}
{{- $d := .Values.deployments }}
{{- if eq (include "shipyard.deploymentCluster" .) "kubeconfig" }}
# The kubeconfig of the cluster users' apps are deployed to, mounted read-only.
- name: kubeconfig
  secret:
    secretName: {{ required "deployments.kubeconfig.existingSecret is required when deployments.cluster=kubeconfig: the name of an existing Secret holding the kubeconfig" $d.kubeconfig.existingSecret | quote }}
    items:
      - key: {{ required "deployments.kubeconfig.key is required when deployments.cluster=kubeconfig" $d.kubeconfig.key | quote }}
        path: config
    # 0440: the owner and the pod's fsGroup (podSecurityContext.fsGroup) read it, no one else.
    defaultMode: 288
{{- end }}
{{- end }}

{{/*
Whether the pods mount their ServiceAccount token for deployments ("true" or ""): in-cluster mode.
*/}}
{{- define "shipyard.deploymentsNeedToken" -}}
{{- if eq (include "shipyard.deploymentCluster" .) "inCluster" }}true{{ end }}
{{- end }}
