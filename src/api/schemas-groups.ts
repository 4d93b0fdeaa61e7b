/** Schemas of the named groups: apps, batch, networking, discovery, coordination, events, rbac, autoscaling, policy. */
import { definePackage } from './schema-registry.js';

const OBJECT = { object: true } as const;

definePackage('io.k8s.api.apps.v1', {
  Deployment: { ...OBJECT, gvk: ['apps', 'v1', 'Deployment'], d: 'Deployment enables declarative updates for Pods and ReplicaSets.', f: {
    spec: [2, 'DeploymentSpec', 'Specification of the desired behavior of the Deployment.'],
    status: [3, 'DeploymentStatus', 'Most recently observed status of the Deployment.'] } },
  DeploymentSpec: { d: 'DeploymentSpec is the specification of the desired behavior of the Deployment.', f: {
    replicas: [1, 'int32', 'Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.', 'ptr'],
    selector: [2, 'LabelSelector', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template\'s labels.', 'req'],
    template: [3, 'PodTemplateSpec', 'Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".', 'req'],
    strategy: [4, 'DeploymentStrategy', 'The deployment strategy to use to replace existing pods with new ones.', 'smp=retainKeys'],
    minReadySeconds: [5, 'int32', 'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0.'],
    revisionHistoryLimit: [6, 'int32', 'The number of old ReplicaSets to retain to allow rollback. Defaults to 10.', 'ptr'],
    paused: [7, 'bool', 'Indicates that the deployment is paused.'],
    progressDeadlineSeconds: [9, 'int32', 'The maximum time in seconds for a deployment to make progress before it is considered to be failed. Defaults to 600s.', 'ptr'] } },
  DeploymentStrategy: { d: 'DeploymentStrategy describes how to replace existing pods with new ones.', f: {
    type: [1, 'string', 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is RollingUpdate.'],
    rollingUpdate: [2, 'RollingUpdateDeployment', 'Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.'] } },
  RollingUpdateDeployment: { d: 'Spec to control the desired behavior of rolling update.', f: {
    maxUnavailable: [1, 'IntOrString', 'The maximum number of pods that can be unavailable during the update. Defaults to 25%.'],
    maxSurge: [2, 'IntOrString', 'The maximum number of pods that can be scheduled above the desired number of pods. Defaults to 25%.'] } },
  DeploymentStatus: { d: 'DeploymentStatus is the most recently observed status of the Deployment.', f: {
    observedGeneration: [1, 'int64', 'The generation observed by the deployment controller.'],
    replicas: [2, 'int32', 'Total number of non-terminating pods targeted by this deployment (their labels match the selector).'],
    updatedReplicas: [3, 'int32', 'Total number of non-terminating pods targeted by this deployment that have the desired template spec.'],
    readyReplicas: [7, 'int32', 'Total number of non-terminating pods targeted by this Deployment with a Ready Condition.'],
    availableReplicas: [4, 'int32', 'Total number of available non-terminating pods (ready for at least minReadySeconds) targeted by this deployment.'],
    unavailableReplicas: [5, 'int32', 'Total number of unavailable pods targeted by this deployment.'],
    terminatingReplicas: [9, 'int32', 'Total number of terminating pods targeted by this deployment.', 'ptr'],
    conditions: [6, '[]DeploymentCondition', "Represents the latest available observations of a deployment's current state.", 'smp=merge:type list=map:type'],
    collisionCount: [8, 'int32', 'Count of hash collisions for the Deployment.', 'ptr'] } },
  DeploymentCondition: { d: 'DeploymentCondition describes the state of a deployment at a certain point.', f: {
    type: [1, 'string', 'Type of deployment condition.', 'req'], status: [2, 'string', 'Status of the condition, one of True, False, Unknown.', 'req'],
    lastUpdateTime: [6, 'Time', 'The last time this condition was updated.'], lastTransitionTime: [7, 'Time', 'Last time the condition transitioned from one status to another.'],
    reason: [4, 'string', "The reason for the condition's last transition."], message: [5, 'string', 'A human readable message indicating details about the transition.'] } },
  ReplicaSet: { ...OBJECT, gvk: ['apps', 'v1', 'ReplicaSet'], d: 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.', f: {
    spec: [2, 'ReplicaSetSpec', 'Spec defines the specification of the desired behavior of the ReplicaSet.'],
    status: [3, 'ReplicaSetStatus', 'Status is the most recently observed status of the ReplicaSet.'] } },
  ReplicaSetSpec: { d: 'ReplicaSetSpec is the specification of a ReplicaSet.', f: {
    replicas: [1, 'int32', 'Replicas is the number of desired pods. Defaults to 1.', 'ptr'],
    minReadySeconds: [4, 'int32', 'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available.'],
    selector: [2, 'LabelSelector', 'Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set.', 'req'],
    template: [3, 'PodTemplateSpec', 'Template is the object that describes the pod that will be created if insufficient replicas are detected.'] } },
  ReplicaSetStatus: { d: 'ReplicaSetStatus represents the current status of a ReplicaSet.', f: {
    replicas: [1, 'int32', 'Replicas is the most recently observed number of non-terminating pods.', 'req'],
    fullyLabeledReplicas: [2, 'int32', 'The number of non-terminating pods that have labels matching the labels of the pod template of the replicaset.'],
    readyReplicas: [4, 'int32', 'The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.'],
    availableReplicas: [5, 'int32', 'The number of available non-terminating pods (ready for at least minReadySeconds) for this replica set.'],
    terminatingReplicas: [7, 'int32', 'The number of terminating pods for this replica set.', 'ptr'],
    observedGeneration: [3, 'int64', 'ObservedGeneration reflects the generation of the most recently observed ReplicaSet.'],
    conditions: [6, '[]ReplicaSetCondition', "Represents the latest available observations of a replica set's current state.", 'smp=merge:type list=map:type'] } },
  ReplicaSetCondition: { d: 'ReplicaSetCondition describes the state of a replica set at a certain point.', f: {
    type: [1, 'string', 'Type of replica set condition.', 'req'], status: [2, 'string', 'Status of the condition, one of True, False, Unknown.', 'req'],
    lastTransitionTime: [3, 'Time', 'The last time the condition transitioned from one status to another.'],
    reason: [4, 'string', "The reason for the condition's last transition."], message: [5, 'string', 'A human readable message indicating details about the transition.'] } },
  StatefulSet: { ...OBJECT, gvk: ['apps', 'v1', 'StatefulSet'], d: 'StatefulSet represents a set of pods with consistent identities.', f: {
    spec: [2, 'StatefulSetSpec', 'Spec defines the desired identities of pods in this set.'],
    status: [3, 'StatefulSetStatus', 'Status is the current status of Pods in this StatefulSet.'] } },
  StatefulSetSpec: { d: 'A StatefulSetSpec is the specification of a StatefulSet.', f: {
    replicas: [1, 'int32', 'replicas is the desired number of replicas of the given Template. Defaults to 1.', 'ptr'],
    selector: [2, 'LabelSelector', "selector is a label query over pods that should match the replica count. It must match the pod template's labels.", 'req'],
    template: [3, 'PodTemplateSpec', 'template is the object that describes the pod that will be created if insufficient replicas are detected.', 'req'],
    volumeClaimTemplates: [4, '[]PersistentVolumeClaim', 'volumeClaimTemplates is a list of claims that pods are allowed to reference.', 'list=atomic'],
    serviceName: [5, 'string', 'serviceName is the name of the service that governs this StatefulSet.'],
    podManagementPolicy: [6, 'string', 'podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. The default policy is `OrderedReady`.'],
    updateStrategy: [7, 'StatefulSetUpdateStrategy', 'updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template.'],
    revisionHistoryLimit: [8, 'int32', 'revisionHistoryLimit is the maximum number of revisions that will be maintained in the StatefulSet\'s revision history. Defaults to 10.', 'ptr'],
    minReadySeconds: [9, 'int32', 'Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available.'],
    persistentVolumeClaimRetentionPolicy: [10, 'any', 'persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates.'],
    ordinals: [11, 'any', 'ordinals controls the numbering of replica indices in a StatefulSet.'] } },
  StatefulSetUpdateStrategy: { d: 'StatefulSetUpdateStrategy indicates the strategy that the StatefulSet controller will use to perform updates.', f: {
    type: [1, 'string', 'Type indicates the type of the StatefulSetUpdateStrategy. Default is RollingUpdate.'],
    rollingUpdate: [2, 'RollingUpdateStatefulSetStrategy', 'RollingUpdate is used to communicate parameters when Type is RollingUpdateStatefulSetStrategyType.'] } },
  RollingUpdateStatefulSetStrategy: { d: 'RollingUpdateStatefulSetStrategy is used to communicate parameter for RollingUpdateStatefulSetStrategyType.', f: {
    partition: [1, 'int32', 'Partition indicates the ordinal at which the StatefulSet should be partitioned for updates.', 'ptr'],
    maxUnavailable: [2, 'IntOrString', 'The maximum number of pods that can be unavailable during the update.'] } },
  StatefulSetStatus: { d: 'StatefulSetStatus represents the current state of a StatefulSet.', f: {
    observedGeneration: [1, 'int64', 'observedGeneration is the most recent generation observed for this StatefulSet.'],
    replicas: [2, 'int32', 'replicas is the number of Pods created by the StatefulSet controller.', 'req'],
    readyReplicas: [3, 'int32', 'readyReplicas is the number of pods created for this StatefulSet with a Ready Condition.'],
    currentReplicas: [4, 'int32', 'currentReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by currentRevision.'],
    updatedReplicas: [5, 'int32', 'updatedReplicas is the number of Pods created by the StatefulSet controller from the StatefulSet version indicated by updateRevision.'],
    currentRevision: [6, 'string', 'currentRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [0,currentReplicas).'],
    updateRevision: [7, 'string', 'updateRevision, if not empty, indicates the version of the StatefulSet used to generate Pods in the sequence [replicas-updatedReplicas,replicas)'],
    collisionCount: [9, 'int32', 'collisionCount is the count of hash collisions for the StatefulSet.', 'ptr'],
    conditions: [10, '[]any', "Represents the latest available observations of a statefulset's current state.", 'smp=merge:type list=map:type'],
    availableReplicas: [11, 'int32', 'Total number of available pods (ready for at least minReadySeconds) targeted by this statefulset.'] } },
  DaemonSet: { ...OBJECT, gvk: ['apps', 'v1', 'DaemonSet'], d: 'DaemonSet represents the configuration of a daemon set.', f: {
    spec: [2, 'DaemonSetSpec', 'The desired behavior of this daemon set.'], status: [3, 'DaemonSetStatus', 'The current status of this daemon set.'] } },
  DaemonSetSpec: { d: 'DaemonSetSpec is the specification of a daemon set.', f: {
    selector: [1, 'LabelSelector', 'A label query over pods that are managed by the daemon set. It must match the pod template\'s labels.', 'req'],
    template: [2, 'PodTemplateSpec', 'An object that describes the pod that will be created.', 'req'],
    updateStrategy: [3, 'DaemonSetUpdateStrategy', 'An update strategy to replace existing DaemonSet pods with new pods.'],
    minReadySeconds: [4, 'int32', 'The minimum number of seconds for which a newly created DaemonSet pod should be ready without any of its container crashing, for it to be considered available.'],
    revisionHistoryLimit: [6, 'int32', 'The number of old history to retain to allow rollback. Defaults to 10.', 'ptr'] } },
  DaemonSetUpdateStrategy: { d: 'DaemonSetUpdateStrategy is a struct used to control the update strategy for a DaemonSet.', f: {
    type: [1, 'string', 'Type of daemon set update. Can be "RollingUpdate" or "OnDelete". Default is RollingUpdate.'],
    rollingUpdate: [2, 'RollingUpdateDaemonSet', 'Rolling update config params. Present only if type = "RollingUpdate".'] } },
  RollingUpdateDaemonSet: { d: 'Spec to control the desired behavior of daemon set rolling update.', f: {
    maxUnavailable: [1, 'IntOrString', 'The maximum number of DaemonSet pods that can be unavailable during the update.'],
    maxSurge: [2, 'IntOrString', 'The maximum number of nodes with an existing available DaemonSet pod that can have an updated DaemonSet pod during during an update.'] } },
  DaemonSetStatus: { d: 'DaemonSetStatus represents the current status of a daemon set.', f: {
    currentNumberScheduled: [1, 'int32', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', 'req'],
    numberMisscheduled: [2, 'int32', 'The number of nodes that are running the daemon pod, but are not supposed to run the daemon pod.', 'req'],
    desiredNumberScheduled: [3, 'int32', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).', 'req'],
    numberReady: [4, 'int32', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.', 'req'],
    observedGeneration: [5, 'int64', 'The most recent generation observed by the daemon set controller.'],
    updatedNumberScheduled: [6, 'int32', 'The total number of nodes that are running updated daemon pod'],
    numberAvailable: [7, 'int32', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.'],
    numberUnavailable: [8, 'int32', 'The number of nodes that should be running the daemon pod and have none of the daemon pod running and available.'],
    collisionCount: [9, 'int32', 'Count of hash collisions for the DaemonSet.', 'ptr'],
    conditions: [10, '[]any', "Represents the latest available observations of a DaemonSet's current state.", 'smp=merge:type list=map:type'] } },
});

definePackage('io.k8s.api.batch.v1', {
  Job: { ...OBJECT, gvk: ['batch', 'v1', 'Job'], d: 'Job represents the configuration of a single job.', f: {
    spec: [2, 'JobSpec', 'Specification of the desired behavior of a job.'], status: [3, 'JobStatus', 'Current status of a job.'] } },
  JobSpec: { d: 'JobSpec describes how the job execution will look like.', f: {
    parallelism: [1, 'int32', 'Specifies the maximum desired number of pods the job should run at any given time.', 'ptr'],
    completions: [2, 'int32', 'Specifies the desired number of successfully finished pods the job should be run with.', 'ptr'],
    activeDeadlineSeconds: [3, 'int64', 'Specifies the duration in seconds relative to the startTime that the job may be continuously active before the system tries to terminate it.', 'ptr'],
    podFailurePolicy: [11, 'any', 'Specifies the policy of handling failed pods.'],
    successPolicy: [16, 'any', 'successPolicy specifies the policy when the Job can be declared as succeeded.'],
    backoffLimit: [7, 'int32', 'Specifies the number of retries before marking this job failed. Defaults to 6', 'ptr'],
    backoffLimitPerIndex: [12, 'int32', 'Specifies the limit for the number of retries within an index before marking this index as failed.', 'ptr'],
    maxFailedIndexes: [13, 'int32', 'Specifies the maximal number of failed indexes before marking the Job as failed, when backoffLimitPerIndex is set.', 'ptr'],
    selector: [4, 'LabelSelector', 'A label query over pods that should match the pod count. Normally, the system sets this field for you.'],
    manualSelector: [5, 'bool', 'manualSelector controls generation of pod labels and pod selectors. Leave `manualSelector` unset unless you are certain what you are doing.', 'ptr'],
    template: [6, 'PodTemplateSpec', 'Describes the pod that will be created when executing a job. The only allowed template.spec.restartPolicy values are "Never" or "OnFailure".', 'req'],
    ttlSecondsAfterFinished: [8, 'int32', 'ttlSecondsAfterFinished limits the lifetime of a Job that has finished execution (either Complete or Failed).', 'ptr'],
    completionMode: [9, 'string', 'completionMode specifies how Pod completions are tracked. It can be `NonIndexed` (default) or `Indexed`.', 'ptr'],
    suspend: [10, 'bool', 'suspend specifies whether the Job controller should create Pods or not.', 'ptr'],
    podReplacementPolicy: [14, 'string', 'podReplacementPolicy specifies when to create replacement Pods.', 'ptr'],
    managedBy: [15, 'string', 'ManagedBy field indicates the controller that manages a Job.', 'ptr'] } },
  JobStatus: { d: 'JobStatus represents the current state of a Job.', f: {
    conditions: [1, '[]JobCondition', "The latest available observations of an object's current state.", 'smp=merge:type list=atomic'],
    startTime: [2, 'Time', 'Represents time when the job controller started processing a job.'],
    completionTime: [3, 'Time', 'Represents time when the job was completed.'],
    active: [4, 'int32', 'The number of pending and running pods which are not terminating (without a deletionTimestamp).'],
    succeeded: [5, 'int32', 'The number of pods which reached phase Succeeded.'],
    failed: [6, 'int32', 'The number of pods which reached phase Failed.'],
    terminating: [11, 'int32', 'The number of pods which are terminating (in phase Pending or Running and have a deletionTimestamp).', 'ptr'],
    completedIndexes: [7, 'string', 'completedIndexes holds the completed indexes when .spec.completionMode = "Indexed" in a text format.'],
    failedIndexes: [10, 'string', 'FailedIndexes holds the failed indexes when spec.backoffLimitPerIndex is set.', 'ptr'],
    uncountedTerminatedPods: [8, 'any', 'uncountedTerminatedPods holds the UIDs of Pods that have terminated but the job controller hasn\'t yet accounted for in the status counters.'],
    ready: [9, 'int32', 'The number of active pods which have a Ready condition and are not terminating (without a deletionTimestamp).', 'ptr'] } },
  JobCondition: { d: 'JobCondition describes current state of a job.', f: {
    type: [1, 'string', 'Type of job condition, Complete or Failed.', 'req'], status: [2, 'string', 'Status of the condition, one of True, False, Unknown.', 'req'],
    lastProbeTime: [3, 'Time', 'Last time the condition was checked.'], lastTransitionTime: [4, 'Time', 'Last time the condition transit from one status to another.'],
    reason: [5, 'string', "(brief) reason for the condition's last transition."], message: [6, 'string', 'Human readable message indicating details about last transition.'] } },
  CronJob: { ...OBJECT, gvk: ['batch', 'v1', 'CronJob'], d: 'CronJob represents the configuration of a single cron job.', f: {
    spec: [2, 'CronJobSpec', 'Specification of the desired behavior of a cron job, including the schedule.'], status: [3, 'CronJobStatus', 'Current status of a cron job.'] } },
  CronJobSpec: { d: 'CronJobSpec describes how the job execution will look like and when it will actually run.', f: {
    schedule: [1, 'string', 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.', 'req'],
    timeZone: [8, 'string', 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.', 'ptr'],
    startingDeadlineSeconds: [2, 'int64', 'Optional deadline in seconds for starting the job if it misses scheduled time for any reason.', 'ptr'],
    concurrencyPolicy: [3, 'string', 'Specifies how to treat concurrent executions of a Job. Valid values are: "Allow" (default), "Forbid", "Replace".'],
    suspend: [4, 'bool', 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions. Defaults to false.', 'ptr'],
    jobTemplate: [5, 'JobTemplateSpec', 'Specifies the job that will be created when executing a CronJob.', 'req'],
    successfulJobsHistoryLimit: [6, 'int32', 'The number of successful finished jobs to retain. Value must be non-negative integer. Defaults to 3.', 'ptr'],
    failedJobsHistoryLimit: [7, 'int32', 'The number of failed finished jobs to retain. Value must be non-negative integer. Defaults to 1.', 'ptr'] } },
  JobTemplateSpec: { d: 'JobTemplateSpec describes the data a Job should have when created from a template', f: {
    metadata: [1, 'ObjectMeta', "Standard object's metadata of the jobs created from this template."],
    spec: [2, 'JobSpec', 'Specification of the desired behavior of the job.'] } },
  CronJobStatus: { d: 'CronJobStatus represents the current state of a cron job.', f: {
    active: [1, '[]ObjectReference', 'A list of pointers to currently running jobs.', 'list=atomic'],
    lastScheduleTime: [4, 'Time', 'Information when was the last time the job was successfully scheduled.'],
    lastSuccessfulTime: [5, 'Time', 'Information when was the last time the job successfully completed.'] } },
});

definePackage('io.k8s.api.networking.v1', {
  Ingress: { ...OBJECT, gvk: ['networking.k8s.io', 'v1', 'Ingress'], d: 'Ingress is a collection of rules that allow inbound connections to reach the endpoints defined by a backend.', f: {
    spec: [2, 'IngressSpec', 'spec is the desired state of the Ingress.'], status: [3, 'IngressStatus', 'status is the current state of the Ingress.'] } },
  IngressSpec: { d: 'IngressSpec describes the Ingress the user wishes to exist.', f: {
    ingressClassName: [4, 'string', 'ingressClassName is the name of an IngressClass cluster resource.', 'ptr'],
    defaultBackend: [1, 'IngressBackend', "defaultBackend is the backend that should handle requests that don't match any rule."],
    tls: [2, '[]IngressTLS', 'tls represents the TLS configuration.', 'list=atomic'],
    rules: [3, '[]IngressRule', 'rules is a list of host rules used to configure the Ingress.', 'list=atomic'] } },
  IngressBackend: { d: 'IngressBackend describes all endpoints for a given service and port.', f: {
    service: [4, 'IngressServiceBackend', 'service references a service as a backend. This is a mutually exclusive setting with "Resource".'],
    resource: [3, 'TypedLocalObjectReference', 'resource is an ObjectRef to another Kubernetes resource in the namespace of the Ingress object.'] } },
  IngressServiceBackend: { d: 'IngressServiceBackend references a Kubernetes Service as a Backend.', f: {
    name: [1, 'string', 'name is the referenced service. The service must exist in the same namespace as the Ingress object.', 'req'],
    port: [2, 'ServiceBackendPort', 'port of the referenced service. A port name or port number is required for a IngressServiceBackend.'] } },
  ServiceBackendPort: { d: 'ServiceBackendPort is the service port being referenced.', f: {
    name: [1, 'string', 'name is the name of the port on the Service. This is a mutually exclusive setting with "Number".'],
    number: [2, 'int32', 'number is the numerical port number (e.g. 80) on the Service. This is a mutually exclusive setting with "Name".'] } },
  IngressTLS: { d: 'IngressTLS describes the transport layer security associated with an ingress.', f: {
    hosts: [1, '[]string', 'hosts is a list of hosts included in the TLS certificate.', 'list=atomic'],
    secretName: [2, 'string', 'secretName is the name of the secret used to terminate TLS traffic on port 443.'] } },
  IngressRule: { d: 'IngressRule represents the rules mapping the paths under a specified host to the related backend services.',
    inline: [[2, 'IngressRuleValue']], f: {
      host: [1, 'string', 'host is the fully qualified domain name of a network host, as defined by RFC 3986.'] } },
  IngressRuleValue: { d: 'IngressRuleValue represents a rule to apply against incoming requests.', f: {
    http: [1, 'HTTPIngressRuleValue', 'http is a list of http selectors pointing to backends.'] } },
  HTTPIngressRuleValue: { d: 'HTTPIngressRuleValue is a list of http selectors pointing to backends.', f: {
    paths: [1, '[]HTTPIngressPath', 'paths is a collection of paths that map requests to backends.', 'req list=atomic'] } },
  HTTPIngressPath: { d: 'HTTPIngressPath associates a path with a backend. Incoming urls matching the path are forwarded to the backend.', f: {
    path: [1, 'string', 'path is matched against the path of an incoming request.'],
    pathType: [3, 'string', 'pathType determines the interpretation of the path matching. PathType can be one of the following values: Exact, Prefix, ImplementationSpecific.', 'req'],
    backend: [2, 'IngressBackend', 'backend defines the referenced service endpoint to which the traffic will be forwarded to.', 'req'] } },
  IngressStatus: { d: 'IngressStatus describe the current state of the Ingress.', f: {
    loadBalancer: [1, 'IngressLoadBalancerStatus', 'loadBalancer contains the current status of the load-balancer.'] } },
  IngressLoadBalancerStatus: { d: 'IngressLoadBalancerStatus represents the status of a load-balancer.', f: {
    ingress: [1, '[]IngressLoadBalancerIngress', 'ingress is a list containing ingress points for the load-balancer.', 'list=atomic'] } },
  IngressLoadBalancerIngress: { d: 'IngressLoadBalancerIngress represents the status of a load-balancer ingress point.', f: {
    ip: [1, 'string', 'ip is set for load-balancer ingress points that are IP based.'], hostname: [2, 'string', 'hostname is set for load-balancer ingress points that are DNS based.'],
    ports: [4, '[]any', 'ports provides information about the ports exposed by this LoadBalancer.', 'list=atomic'] } },
  IngressClass: { ...OBJECT, gvk: ['networking.k8s.io', 'v1', 'IngressClass'], d: 'IngressClass represents the class of the Ingress, referenced by the Ingress Spec.', f: {
    spec: [2, 'IngressClassSpec', 'spec is the desired state of the IngressClass.'] } },
  IngressClassSpec: { d: 'IngressClassSpec provides information about the class of an Ingress.', f: {
    controller: [1, 'string', 'controller refers to the name of the controller that should handle this class.'],
    parameters: [2, 'any', 'parameters is a link to a custom resource containing additional configuration for the controller.'] } },
  NetworkPolicy: { ...OBJECT, gvk: ['networking.k8s.io', 'v1', 'NetworkPolicy'], d: 'NetworkPolicy describes what network traffic is allowed for a set of Pods', f: {
    spec: [2, 'NetworkPolicySpec', 'spec represents the specification of the desired behavior for this NetworkPolicy.'] } },
  NetworkPolicySpec: { d: 'NetworkPolicySpec provides the specification of a NetworkPolicy', f: {
    podSelector: [1, 'LabelSelector', 'podSelector selects the pods to which this NetworkPolicy object applies.'],
    ingress: [2, '[]any', 'ingress is a list of ingress rules to be applied to the selected pods.', 'list=atomic'],
    egress: [3, '[]any', 'egress is a list of egress rules to be applied to the selected pods.', 'list=atomic'],
    policyTypes: [4, '[]string', 'policyTypes is a list of rule types that the NetworkPolicy relates to. Valid options are ["Ingress"], ["Egress"], or ["Ingress", "Egress"].', 'list=atomic'] } },
});

definePackage('io.k8s.api.discovery.v1', {
  EndpointSlice: { ...OBJECT, gvk: ['discovery.k8s.io', 'v1', 'EndpointSlice'], d: 'EndpointSlice represents a set of service endpoints.', f: {
    addressType: [4, 'string', 'addressType specifies the type of address carried by this EndpointSlice. Supported types are IPv4, IPv6, FQDN.', 'req'],
    endpoints: [2, '[]Endpoint', 'endpoints is a list of unique endpoints in this slice.', 'req list=atomic'],
    ports: [3, '[]EndpointPort', 'ports specifies the list of network ports exposed by each endpoint in this slice.', 'list=atomic'] } },
  Endpoint: { d: 'Endpoint represents a single logical "backend" implementing a service.', f: {
    addresses: [1, '[]string', 'addresses of this endpoint.', 'req list=set'],
    conditions: [2, 'EndpointConditions', 'conditions contains information about the current status of the endpoint.'],
    hostname: [3, 'string', 'hostname of this endpoint.', 'ptr'],
    targetRef: [4, 'ObjectReference', 'targetRef is a reference to a Kubernetes object that represents this endpoint.'],
    deprecatedTopology: [5, 'map[string]', 'deprecatedTopology contains topology information part of the v1beta1 API.'],
    nodeName: [6, 'string', 'nodeName represents the name of the Node hosting this endpoint.', 'ptr'],
    zone: [7, 'string', 'zone is the name of the Zone this endpoint exists in.', 'ptr'],
    hints: [8, 'any', 'hints contains information associated with how an endpoint should be consumed.'] } },
  EndpointConditions: { d: 'EndpointConditions represents the current condition of an endpoint.', f: {
    ready: [1, 'bool', 'ready indicates that this endpoint is ready to receive traffic, according to whatever system is managing the endpoint.', 'ptr'],
    serving: [2, 'bool', 'serving indicates that this endpoint is able to receive traffic, according to whatever system is managing the endpoint.', 'ptr'],
    terminating: [3, 'bool', 'terminating indicates that this endpoint is terminating.', 'ptr'] } },
  EndpointPort: { d: 'EndpointPort represents a Port used by an EndpointSlice', f: {
    name: [1, 'string', 'name represents the name of this port.', 'ptr'], protocol: [2, 'string', 'protocol represents the IP protocol for this port. Must be UDP, TCP, or SCTP. Default is TCP.', 'ptr'],
    port: [3, 'int32', 'port represents the port number of the endpoint.', 'ptr'], appProtocol: [4, 'string', 'The application protocol for this port.', 'ptr'] } },
});

definePackage('io.k8s.api.coordination.v1', {
  Lease: { ...OBJECT, gvk: ['coordination.k8s.io', 'v1', 'Lease'], d: 'Lease defines a lease concept.', f: {
    spec: [2, 'LeaseSpec', 'spec contains the specification of the Lease.'] } },
  LeaseSpec: { d: 'LeaseSpec is a specification of a Lease.', f: {
    holderIdentity: [1, 'string', 'holderIdentity contains the identity of the holder of a current lease.', 'ptr'],
    leaseDurationSeconds: [2, 'int32', 'leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it.', 'ptr'],
    acquireTime: [3, 'MicroTime', 'acquireTime is a time when the current lease was acquired.'],
    renewTime: [4, 'MicroTime', 'renewTime is a time when the current holder of a lease has last updated the lease.'],
    leaseTransitions: [5, 'int32', 'leaseTransitions is the number of transitions of a lease between holders.', 'ptr'],
    strategy: [6, 'string', 'Strategy indicates the strategy for picking the leader for coordinated leader election.', 'ptr'],
    preferredHolder: [7, 'string', 'PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up.', 'ptr'] } },
});

definePackage('io.k8s.api.events.v1', {
  Event: { ...OBJECT, gvk: ['events.k8s.io', 'v1', 'Event'], d: 'Event is a report of an event somewhere in the cluster.', f: {
    eventTime: [2, 'MicroTime', 'eventTime is the time when this Event was first observed. It is required.', 'req'],
    series: [3, 'EventSeries', "series is data about the Event series this event represents or nil if it's a singleton Event."],
    reportingController: [4, 'string', 'reportingController is the name of the controller that emitted this Event, e.g. `kubernetes.io/kubelet`.'],
    reportingInstance: [5, 'string', 'reportingInstance is the ID of the controller instance, e.g. `kubelet-xyzf`.'],
    action: [6, 'string', 'action is what action was taken/failed regarding to the regarding object.'],
    reason: [7, 'string', 'reason is why the action was taken. It is human-readable.'],
    regarding: [8, 'ObjectReference', 'regarding contains the object this Event is about.'],
    related: [9, 'ObjectReference', 'related is the optional secondary object for more complex actions.'],
    note: [10, 'string', 'note is a human-readable description of the status of this operation.'],
    type: [11, 'string', 'type is the type of this event (Normal, Warning), new types could be added in the future.'],
    deprecatedSource: [12, 'EventSource', 'deprecatedSource is the deprecated field assuring backward compatibility with core.v1 Event type.'],
    deprecatedFirstTimestamp: [13, 'Time', 'deprecatedFirstTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type.'],
    deprecatedLastTimestamp: [14, 'Time', 'deprecatedLastTimestamp is the deprecated field assuring backward compatibility with core.v1 Event type.'],
    deprecatedCount: [15, 'int32', 'deprecatedCount is the deprecated field assuring backward compatibility with core.v1 Event type.'] } },
  EventSeries: { d: 'EventSeries contain information on series of events, i.e. thing that was/is happening continuously for some time.', f: {
    count: [1, 'int32', 'count is the number of occurrences in this series up to the last heartbeat time.', 'req'],
    lastObservedTime: [2, 'MicroTime', 'lastObservedTime is the time when last Event from the series was seen before last heartbeat.', 'req'] } },
});

definePackage('io.k8s.api.rbac.v1', {
  Role: { ...OBJECT, gvk: ['rbac.authorization.k8s.io', 'v1', 'Role'], d: 'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.', f: {
    rules: [2, '[]PolicyRule', 'Rules holds all the PolicyRules for this Role', 'list=atomic'] } },
  ClusterRole: { ...OBJECT, gvk: ['rbac.authorization.k8s.io', 'v1', 'ClusterRole'], d: 'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.', f: {
    rules: [2, '[]PolicyRule', 'Rules holds all the PolicyRules for this ClusterRole', 'list=atomic'],
    aggregationRule: [3, 'any', 'AggregationRule is an optional field that describes how to build the Rules for this ClusterRole.'] } },
  PolicyRule: { d: 'PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to.', f: {
    verbs: [1, '[]string', "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs.", 'req list=atomic'],
    apiGroups: [3, '[]string', 'APIGroups is the name of the APIGroup that contains the resources.', 'list=atomic'],
    resources: [4, '[]string', "Resources is a list of resources this rule applies to. '*' represents all resources.", 'list=atomic'],
    resourceNames: [5, '[]string', 'ResourceNames is an optional white list of names that the rule applies to.', 'list=atomic'],
    nonResourceURLs: [6, '[]string', 'NonResourceURLs is a set of partial urls that a user should have access to.', 'list=atomic'] } },
  RoleBinding: { ...OBJECT, gvk: ['rbac.authorization.k8s.io', 'v1', 'RoleBinding'], d: 'RoleBinding references a role, but does not contain it.', f: {
    subjects: [2, '[]Subject', 'Subjects holds references to the objects the role applies to.', 'list=atomic'],
    roleRef: [3, 'RoleRef', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.', 'req'] } },
  ClusterRoleBinding: { ...OBJECT, gvk: ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'], d: 'ClusterRoleBinding references a ClusterRole, but not contain it.', f: {
    subjects: [2, '[]Subject', 'Subjects holds references to the objects the role applies to.', 'list=atomic'],
    roleRef: [3, 'RoleRef', 'RoleRef can only reference a ClusterRole in the global namespace.', 'req'] } },
  Subject: { d: 'Subject contains a reference to the object or user identities a role binding applies to.', f: {
    kind: [1, 'string', 'Kind of object being referenced. Values defined by this API group are "User", "Group", and "ServiceAccount".', 'req'],
    apiGroup: [2, 'string', 'APIGroup holds the API group of the referenced subject.'],
    name: [3, 'string', 'Name of the object being referenced.', 'req'],
    namespace: [4, 'string', 'Namespace of the referenced object.'] } },
  RoleRef: { d: 'RoleRef contains information that points to the role being used', f: {
    apiGroup: [1, 'string', 'APIGroup is the group for the resource being referenced', 'req'],
    kind: [2, 'string', 'Kind is the type of resource being referenced', 'req'],
    name: [3, 'string', 'Name is the name of resource being referenced', 'req'] } },
});

definePackage('io.k8s.api.autoscaling.v1', {
  Scale: { ...OBJECT, gvk: ['autoscaling', 'v1', 'Scale'], d: 'Scale represents a scaling request for a resource.', f: {
    spec: [2, 'ScaleSpec', 'spec defines the behavior of the scale.'], status: [3, 'ScaleStatus', 'status is the current status of the scale. Read-only.'] } },
  ScaleSpec: { d: 'ScaleSpec describes the attributes of a scale subresource.', f: {
    replicas: [1, 'int32', 'replicas is the desired number of instances for the scaled object.'] } },
  ScaleStatus: { d: 'ScaleStatus represents the current status of a scale subresource.', f: {
    replicas: [1, 'int32', 'replicas is the actual number of observed instances of the scaled object.', 'req'],
    selector: [2, 'string', 'selector is the label query over pods that should match the replicas count.'] } },
});

definePackage('io.k8s.api.policy.v1', {
  Eviction: { ...OBJECT, gvk: ['policy', 'v1', 'Eviction'], d: 'Eviction evicts a pod from its node subject to certain policies and safety constraints.', f: {
    deleteOptions: [2, 'DeleteOptions', 'DeleteOptions may be provided'] } },
});

definePackage('io.k8s.api.authentication.v1', {
  TokenRequest: { ...OBJECT, gvk: ['authentication.k8s.io', 'v1', 'TokenRequest'], d: 'TokenRequest requests a token for a given service account.', f: {
    spec: [2, 'TokenRequestSpec', 'Spec holds information about the request being evaluated', 'req'],
    status: [3, 'TokenRequestStatus', 'Status is filled in by the server and indicates whether the token can be authenticated.'] } },
  TokenRequestSpec: { d: 'TokenRequestSpec contains client provided parameters of a token request.', f: {
    audiences: [1, '[]string', 'Audiences are the intendend audiences of the token.', 'req list=atomic'],
    expirationSeconds: [4, 'int64', 'ExpirationSeconds is the requested duration of validity of the request.', 'ptr'],
    boundObjectRef: [3, 'BoundObjectReference', 'BoundObjectRef is a reference to an object that the token will be bound to.'] } },
  BoundObjectReference: { d: 'BoundObjectReference is a reference to an object that a token is bound to.', f: {
    kind: [1, 'string', "Kind of the referent. Valid kinds are 'Pod' and 'Secret'."],
    apiVersion: [2, 'string', 'API version of the referent.'],
    name: [3, 'string', 'Name of the referent.'],
    uid: [4, 'string', 'UID of the referent.'] } },
  TokenRequestStatus: { d: 'TokenRequestStatus is the result of a token request.', f: {
    token: [1, 'string', 'Token is the opaque bearer token.', 'req'],
    expirationTimestamp: [2, 'Time', 'ExpirationTimestamp is the time of expiration of the returned token.', 'req'] } },
});
