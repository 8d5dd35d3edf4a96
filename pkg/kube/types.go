// Package kube holds the Kubernetes objects pm reads (kube play) and writes
// (kube generate): only the fields pm uses, with their YAML (de)coding, and
// the pure conversions between them and pm's requests (specgen).
package kube

// Kinds pm reads and writes.
const (
	KindPod         = "Pod"
	KindDeployment  = "Deployment"
	KindConfigMap   = "ConfigMap"
	KindClaim       = "PersistentVolumeClaim"
	KindService     = "Service"
	apiV1           = "v1"
	apiAppsV1       = "apps/v1"
	defaultProtocol = "TCP"
)

// TypeMeta names an object's kind and API version.
type TypeMeta struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
}

// ObjectMeta is the metadata of every object.
type ObjectMeta struct {
	Name              string            `json:"name,omitempty"`
	Namespace         string            `json:"namespace,omitempty"`
	CreationTimestamp string            `json:"creationTimestamp,omitempty"`
	Labels            map[string]string `json:"labels,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty"`
}

// Pod is a v1 Pod.
type Pod struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta `json:"metadata"`
	Spec     PodSpec    `json:"spec"`
	// Status is written empty for a pod pm describes, as Podman does;
	// pm reads nothing of it.
	Status *struct{} `json:"status,omitempty"`
}

// PodSpec is a pod's (or a pod template's) specification.
type PodSpec struct {
	Hostname        string              `json:"hostname,omitempty"`
	HostNetwork     bool                `json:"hostNetwork,omitempty"`
	HostAliases     []HostAlias         `json:"hostAliases,omitempty"`
	RestartPolicy   string              `json:"restartPolicy,omitempty"` // Always (default), OnFailure, Never
	SecurityContext *PodSecurityContext `json:"securityContext,omitempty"`
	InitContainers  []Container         `json:"initContainers,omitempty"`
	Containers      []Container         `json:"containers"`
	Volumes         []Volume            `json:"volumes,omitempty"`
}

// PodSecurityContext holds the pod-wide defaults of its containers.
type PodSecurityContext struct {
	RunAsUser       *int64           `json:"runAsUser,omitempty"`
	RunAsGroup      *int64           `json:"runAsGroup,omitempty"`
	SELinuxOptions  *SELinuxOptions  `json:"seLinuxOptions,omitempty"`
	SeccompProfile  *SeccompProfile  `json:"seccompProfile,omitempty"`
	AppArmorProfile *AppArmorProfile `json:"appArmorProfile,omitempty"`
}

// HostAlias is one /etc/hosts line: an address and its names.
type HostAlias struct {
	IP        string   `json:"ip"`
	Hostnames []string `json:"hostnames"`
}

// Container is one container of a pod.
type Container struct {
	Name            string           `json:"name"`
	Image           string           `json:"image"`
	ImagePullPolicy string           `json:"imagePullPolicy,omitempty"` // Always, IfNotPresent, Never
	Command         []string         `json:"command,omitempty"`         // the image's ENTRYPOINT, replaced
	Args            []string         `json:"args,omitempty"`            // the image's CMD, replaced
	WorkingDir      string           `json:"workingDir,omitempty"`
	Env             []EnvVar         `json:"env,omitempty"`
	EnvFrom         []EnvFromSource  `json:"envFrom,omitempty"`
	Ports           []ContainerPort  `json:"ports,omitempty"`
	Resources       *Resources       `json:"resources,omitempty"`
	SecurityContext *SecurityContext `json:"securityContext,omitempty"`
	VolumeMounts    []VolumeMount    `json:"volumeMounts,omitempty"`
	Stdin           bool             `json:"stdin,omitempty"`
	TTY             bool             `json:"tty,omitempty"`
}

// EnvVar is one environment variable, with a value or a reference.
type EnvVar struct {
	Name      string        `json:"name"`
	Value     string        `json:"value,omitempty"`
	ValueFrom *EnvVarSource `json:"valueFrom,omitempty"`
}

// EnvVarSource is where a variable's value comes from; pm resolves only
// configMapKeyRef, the others are refused by name.
type EnvVarSource struct {
	ConfigMapKeyRef  *KeyRef `json:"configMapKeyRef,omitempty"`
	SecretKeyRef     *KeyRef `json:"secretKeyRef,omitempty"`
	FieldRef         any     `json:"fieldRef,omitempty"`
	ResourceFieldRef any     `json:"resourceFieldRef,omitempty"`
}

// KeyRef selects one key of a ConfigMap (or Secret).
type KeyRef struct {
	Name     string `json:"name"`
	Key      string `json:"key"`
	Optional *bool  `json:"optional,omitempty"`
}

// EnvFromSource imports every key of a ConfigMap as variables.
type EnvFromSource struct {
	Prefix       string  `json:"prefix,omitempty"`
	ConfigMapRef *MapRef `json:"configMapRef,omitempty"`
	SecretRef    *MapRef `json:"secretRef,omitempty"`
}

// MapRef names a whole ConfigMap (or Secret).
type MapRef struct {
	Name     string `json:"name"`
	Optional *bool  `json:"optional,omitempty"`
}

// ContainerPort is one port of a container; a HostPort publishes it.
type ContainerPort struct {
	Name          string `json:"name,omitempty"`
	ContainerPort int32  `json:"containerPort"`
	HostPort      int32  `json:"hostPort,omitempty"`
	HostIP        string `json:"hostIP,omitempty"`
	Protocol      string `json:"protocol,omitempty"` // TCP (default), UDP, SCTP
}

// Resources are a container's limits (and requests, which pm ignores).
type Resources struct {
	Limits   map[string]string `json:"limits,omitempty"`
	Requests map[string]string `json:"requests,omitempty"`
}

// SecurityContext holds a container's security settings.
type SecurityContext struct {
	Privileged               *bool         `json:"privileged,omitempty"`
	ReadOnlyRootFilesystem   *bool         `json:"readOnlyRootFilesystem,omitempty"`
	AllowPrivilegeEscalation *bool         `json:"allowPrivilegeEscalation,omitempty"`
	RunAsUser                *int64        `json:"runAsUser,omitempty"`
	RunAsGroup               *int64        `json:"runAsGroup,omitempty"`
	Capabilities             *Capabilities `json:"capabilities,omitempty"`
	// ProcMount is Default or Unmasked (no masked paths under /proc).
	ProcMount       string           `json:"procMount,omitempty"`
	SELinuxOptions  *SELinuxOptions  `json:"seLinuxOptions,omitempty"`
	SeccompProfile  *SeccompProfile  `json:"seccompProfile,omitempty"`
	AppArmorProfile *AppArmorProfile `json:"appArmorProfile,omitempty"`
}

// SELinuxOptions are the parts of a container's SELinux label.
type SELinuxOptions struct {
	User  string `json:"user,omitempty"`
	Role  string `json:"role,omitempty"`
	Type  string `json:"type,omitempty"`
	Level string `json:"level,omitempty"`
}

// SeccompProfile chooses a seccomp profile: RuntimeDefault, Unconfined,
// or Localhost with LocalhostProfile, a file relative to
// /var/lib/kubelet/seccomp (Podman's --seccomp-profile-root) or absolute.
type SeccompProfile struct {
	Type             string `json:"type"`
	LocalhostProfile string `json:"localhostProfile,omitempty"`
}

// AppArmorProfile chooses an AppArmor profile: RuntimeDefault,
// Unconfined, or Localhost with the name of a loaded profile.
type AppArmorProfile struct {
	Type             string `json:"type"`
	LocalhostProfile string `json:"localhostProfile,omitempty"`
}

// Capabilities are added to and dropped from the default set.
type Capabilities struct {
	Add  []string `json:"add,omitempty"`
	Drop []string `json:"drop,omitempty"`
}

// VolumeMount mounts one of the pod's volumes into a container.
type VolumeMount struct {
	Name      string `json:"name"`
	MountPath string `json:"mountPath"`
	ReadOnly  bool   `json:"readOnly,omitempty"`
	SubPath   string `json:"subPath,omitempty"`
}

// Volume is one of a pod's volumes; exactly one source is set.
type Volume struct {
	Name                  string           `json:"name"`
	HostPath              *HostPathSource  `json:"hostPath,omitempty"`
	EmptyDir              *EmptyDirSource  `json:"emptyDir,omitempty"`
	PersistentVolumeClaim *ClaimSource     `json:"persistentVolumeClaim,omitempty"`
	ConfigMap             *ConfigMapSource `json:"configMap,omitempty"`
	Secret                any              `json:"secret,omitempty"`
}

// HostPath types pm knows.
const (
	HostPathDirectoryOrCreate = "DirectoryOrCreate"
	HostPathDirectory         = "Directory"
	HostPathFileOrCreate      = "FileOrCreate"
	HostPathFile              = "File"
	HostPathSocket            = "Socket"
	HostPathCharDevice        = "CharDevice"
	HostPathBlockDevice       = "BlockDevice"
)

// HostPathSource is a path on the host (a bind mount).
type HostPathSource struct {
	Path string `json:"path"`
	Type string `json:"type,omitempty"`
}

// EmptyDirSource is a scratch directory shared by the pod's containers;
// medium Memory makes it a tmpfs.
type EmptyDirSource struct {
	Medium    string `json:"medium,omitempty"`
	SizeLimit string `json:"sizeLimit,omitempty"`
}

// ClaimSource is a PersistentVolumeClaim: a pm named volume.
type ClaimSource struct {
	ClaimName string `json:"claimName"`
	ReadOnly  bool   `json:"readOnly,omitempty"`
}

// ConfigMapSource makes a ConfigMap's keys files of a volume.
type ConfigMapSource struct {
	Name     string      `json:"name"`
	Items    []KeyToPath `json:"items,omitempty"`
	Optional *bool       `json:"optional,omitempty"`
}

// KeyToPath puts one key at a path of the volume.
type KeyToPath struct {
	Key  string `json:"key"`
	Path string `json:"path"`
}

// Deployment is an apps/v1 Deployment: a pod template and a replica count.
type Deployment struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta     `json:"metadata"`
	Spec     DeploymentSpec `json:"spec"`
}

// DeploymentSpec is a Deployment's specification.
type DeploymentSpec struct {
	Replicas *int32         `json:"replicas,omitempty"`
	Selector *LabelSelector `json:"selector,omitempty"`
	Template PodTemplate    `json:"template"`
}

// LabelSelector selects objects by labels.
type LabelSelector struct {
	MatchLabels map[string]string `json:"matchLabels,omitempty"`
}

// PodTemplate is the pod a Deployment makes.
type PodTemplate struct {
	Metadata ObjectMeta `json:"metadata"`
	Spec     PodSpec    `json:"spec"`
}

// ConfigMap holds keys and values for environment variables and volumes.
type ConfigMap struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta        `json:"metadata"`
	Data     map[string]string `json:"data,omitempty"`
}

// PersistentVolumeClaim is a pm named volume.
type PersistentVolumeClaim struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta `json:"metadata"`
	Spec     ClaimSpec  `json:"spec"`
}

// ClaimSpec is a claim's specification; pm writes the usual defaults and
// reads nothing of it.
type ClaimSpec struct {
	AccessModes []string   `json:"accessModes,omitempty"`
	Resources   *Resources `json:"resources,omitempty"`
}

// Claim annotations carry a volume's driver and options, under Podman's
// keys so that files move between the two.
const (
	AnnotationVolumeDriver  = "volume.podman.io/driver"
	AnnotationVolumeDevice  = "volume.podman.io/device"
	AnnotationVolumeType    = "volume.podman.io/type"
	AnnotationVolumeOptions = "volume.podman.io/mount-options"
)

// Service exposes a pod's ports.
type Service struct {
	TypeMeta `json:",inline"`
	Metadata ObjectMeta  `json:"metadata"`
	Spec     ServiceSpec `json:"spec"`
}

// ServiceSpec is a Service's specification.
type ServiceSpec struct {
	Type     string            `json:"type,omitempty"` // ClusterIP, NodePort
	Selector map[string]string `json:"selector,omitempty"`
	Ports    []ServicePort     `json:"ports,omitempty"`
}

// ServicePort is one port of a Service.
type ServicePort struct {
	Name       string `json:"name,omitempty"`
	Protocol   string `json:"protocol,omitempty"`
	Port       int32  `json:"port"`
	TargetPort int32  `json:"targetPort,omitempty"`
	NodePort   int32  `json:"nodePort,omitempty"`
}
