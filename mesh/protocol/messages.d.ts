import type { Codec, DecodeOptions } from 'protons-runtime';
import type { Uint8ArrayList } from 'uint8arraylist';
export interface TaskLimits {
    timeoutMs: number;
    memoryPages: number;
    fuel: bigint;
    maxOutputBytes: number;
}
export declare namespace TaskLimits {
    const codec: () => Codec<TaskLimits>;
    interface TaskLimitsTimeoutMsFieldEvent {
        field: '$.timeoutMs';
        value: number;
    }
    interface TaskLimitsMemoryPagesFieldEvent {
        field: '$.memoryPages';
        value: number;
    }
    interface TaskLimitsFuelFieldEvent {
        field: '$.fuel';
        value: bigint;
    }
    interface TaskLimitsMaxOutputBytesFieldEvent {
        field: '$.maxOutputBytes';
        value: number;
    }
    function encode(obj: Partial<TaskLimits>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskLimits>): TaskLimits;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskLimits>): Generator<TaskLimitsTimeoutMsFieldEvent | TaskLimitsMemoryPagesFieldEvent | TaskLimitsFuelFieldEvent | TaskLimitsMaxOutputBytesFieldEvent>;
}
export interface TaskRequest {
    jobId: string;
    taskIndex: number;
    moduleCid: Uint8Array;
    inputCid: Uint8Array;
    args: string[];
    env: string[];
    limits?: TaskLimits;
    input: Uint8Array;
    paid: boolean;
    requester: string;
    price: string;
    requesterBinding: Uint8Array;
    id: number;
    mounts: Mount[];
    outDir: string;
    logs: boolean;
}
export declare namespace TaskRequest {
    const codec: () => Codec<TaskRequest>;
    interface TaskRequestJobIdFieldEvent {
        field: '$.jobId';
        value: string;
    }
    interface TaskRequestTaskIndexFieldEvent {
        field: '$.taskIndex';
        value: number;
    }
    interface TaskRequestModuleCidFieldEvent {
        field: '$.moduleCid';
        value: Uint8Array;
    }
    interface TaskRequestInputCidFieldEvent {
        field: '$.inputCid';
        value: Uint8Array;
    }
    interface TaskRequestArgsFieldEvent {
        field: '$.args[]';
        index: number;
        value: string;
    }
    interface TaskRequestEnvFieldEvent {
        field: '$.env[]';
        index: number;
        value: string;
    }
    interface TaskRequestLimitsTimeoutMsFieldEvent {
        field: '$.limits.timeoutMs';
        value: number;
    }
    interface TaskRequestLimitsMemoryPagesFieldEvent {
        field: '$.limits.memoryPages';
        value: number;
    }
    interface TaskRequestLimitsFuelFieldEvent {
        field: '$.limits.fuel';
        value: bigint;
    }
    interface TaskRequestLimitsMaxOutputBytesFieldEvent {
        field: '$.limits.maxOutputBytes';
        value: number;
    }
    interface TaskRequestInputFieldEvent {
        field: '$.input';
        value: Uint8Array;
    }
    interface TaskRequestPaidFieldEvent {
        field: '$.paid';
        value: boolean;
    }
    interface TaskRequestRequesterFieldEvent {
        field: '$.requester';
        value: string;
    }
    interface TaskRequestPriceFieldEvent {
        field: '$.price';
        value: string;
    }
    interface TaskRequestRequesterBindingFieldEvent {
        field: '$.requesterBinding';
        value: Uint8Array;
    }
    interface TaskRequestIdFieldEvent {
        field: '$.id';
        value: number;
    }
    interface TaskRequestMountsGuestPathFieldEvent {
        field: '$.mounts[].guestPath';
        value: string;
        index: number;
    }
    interface TaskRequestMountsTreeCidFieldEvent {
        field: '$.mounts[].treeCid';
        value: Uint8Array;
        index: number;
    }
    interface TaskRequestOutDirFieldEvent {
        field: '$.outDir';
        value: string;
    }
    interface TaskRequestLogsFieldEvent {
        field: '$.logs';
        value: boolean;
    }
    function encode(obj: Partial<TaskRequest>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskRequest>): TaskRequest;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskRequest>): Generator<TaskRequestJobIdFieldEvent | TaskRequestTaskIndexFieldEvent | TaskRequestModuleCidFieldEvent | TaskRequestInputCidFieldEvent | TaskRequestArgsFieldEvent | TaskRequestEnvFieldEvent | TaskRequestLimitsTimeoutMsFieldEvent | TaskRequestLimitsMemoryPagesFieldEvent | TaskRequestLimitsFuelFieldEvent | TaskRequestLimitsMaxOutputBytesFieldEvent | TaskRequestInputFieldEvent | TaskRequestPaidFieldEvent | TaskRequestRequesterFieldEvent | TaskRequestPriceFieldEvent | TaskRequestRequesterBindingFieldEvent | TaskRequestIdFieldEvent | TaskRequestMountsGuestPathFieldEvent | TaskRequestMountsTreeCidFieldEvent | TaskRequestOutDirFieldEvent | TaskRequestLogsFieldEvent>;
}
export interface Mount {
    guestPath: string;
    treeCid: Uint8Array;
}
export declare namespace Mount {
    const codec: () => Codec<Mount>;
    interface MountGuestPathFieldEvent {
        field: '$.guestPath';
        value: string;
    }
    interface MountTreeCidFieldEvent {
        field: '$.treeCid';
        value: Uint8Array;
    }
    function encode(obj: Partial<Mount>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Mount>): Mount;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Mount>): Generator<MountGuestPathFieldEvent | MountTreeCidFieldEvent>;
}
export interface TaskFailure {
    code: string;
    message: string;
    exitCode: number;
    stderrTail: string;
}
export declare namespace TaskFailure {
    const codec: () => Codec<TaskFailure>;
    interface TaskFailureCodeFieldEvent {
        field: '$.code';
        value: string;
    }
    interface TaskFailureMessageFieldEvent {
        field: '$.message';
        value: string;
    }
    interface TaskFailureExitCodeFieldEvent {
        field: '$.exitCode';
        value: number;
    }
    interface TaskFailureStderrTailFieldEvent {
        field: '$.stderrTail';
        value: string;
    }
    function encode(obj: Partial<TaskFailure>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskFailure>): TaskFailure;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskFailure>): Generator<TaskFailureCodeFieldEvent | TaskFailureMessageFieldEvent | TaskFailureExitCodeFieldEvent | TaskFailureStderrTailFieldEvent>;
}
export interface TaskResponse {
    ok: boolean;
    output: Uint8Array;
    outputCid: Uint8Array;
    durationMs: number;
    fuelUsed: bigint;
    failure?: TaskFailure;
    receiptSignature: Uint8Array;
    operator: string;
    id: number;
}
export declare namespace TaskResponse {
    const codec: () => Codec<TaskResponse>;
    interface TaskResponseOkFieldEvent {
        field: '$.ok';
        value: boolean;
    }
    interface TaskResponseOutputFieldEvent {
        field: '$.output';
        value: Uint8Array;
    }
    interface TaskResponseOutputCidFieldEvent {
        field: '$.outputCid';
        value: Uint8Array;
    }
    interface TaskResponseDurationMsFieldEvent {
        field: '$.durationMs';
        value: number;
    }
    interface TaskResponseFuelUsedFieldEvent {
        field: '$.fuelUsed';
        value: bigint;
    }
    interface TaskResponseFailureCodeFieldEvent {
        field: '$.failure.code';
        value: string;
    }
    interface TaskResponseFailureMessageFieldEvent {
        field: '$.failure.message';
        value: string;
    }
    interface TaskResponseFailureExitCodeFieldEvent {
        field: '$.failure.exitCode';
        value: number;
    }
    interface TaskResponseFailureStderrTailFieldEvent {
        field: '$.failure.stderrTail';
        value: string;
    }
    interface TaskResponseReceiptSignatureFieldEvent {
        field: '$.receiptSignature';
        value: Uint8Array;
    }
    interface TaskResponseOperatorFieldEvent {
        field: '$.operator';
        value: string;
    }
    interface TaskResponseIdFieldEvent {
        field: '$.id';
        value: number;
    }
    function encode(obj: Partial<TaskResponse>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskResponse>): TaskResponse;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskResponse>): Generator<TaskResponseOkFieldEvent | TaskResponseOutputFieldEvent | TaskResponseOutputCidFieldEvent | TaskResponseDurationMsFieldEvent | TaskResponseFuelUsedFieldEvent | TaskResponseFailureCodeFieldEvent | TaskResponseFailureMessageFieldEvent | TaskResponseFailureExitCodeFieldEvent | TaskResponseFailureStderrTailFieldEvent | TaskResponseReceiptSignatureFieldEvent | TaskResponseOperatorFieldEvent | TaskResponseIdFieldEvent>;
}
export interface RequesterFrame {
    tasks: TaskRequest[];
    cancel: number[];
    want: number;
    returned: number;
    keep: number;
}
export declare namespace RequesterFrame {
    const codec: () => Codec<RequesterFrame>;
    interface RequesterFrameTasksJobIdFieldEvent {
        field: '$.tasks[].jobId';
        value: string;
        index: number;
    }
    interface RequesterFrameTasksTaskIndexFieldEvent {
        field: '$.tasks[].taskIndex';
        value: number;
        index: number;
    }
    interface RequesterFrameTasksModuleCidFieldEvent {
        field: '$.tasks[].moduleCid';
        value: Uint8Array;
        index: number;
    }
    interface RequesterFrameTasksInputCidFieldEvent {
        field: '$.tasks[].inputCid';
        value: Uint8Array;
        index: number;
    }
    interface RequesterFrameTasksArgsFieldEvent {
        field: '$.tasks[].args[]';
        index: number;
        value: string;
    }
    interface RequesterFrameTasksEnvFieldEvent {
        field: '$.tasks[].env[]';
        index: number;
        value: string;
    }
    interface RequesterFrameTasksLimitsTimeoutMsFieldEvent {
        field: '$.tasks[].limits.timeoutMs';
        value: number;
        index: number;
    }
    interface RequesterFrameTasksLimitsMemoryPagesFieldEvent {
        field: '$.tasks[].limits.memoryPages';
        value: number;
        index: number;
    }
    interface RequesterFrameTasksLimitsFuelFieldEvent {
        field: '$.tasks[].limits.fuel';
        value: bigint;
        index: number;
    }
    interface RequesterFrameTasksLimitsMaxOutputBytesFieldEvent {
        field: '$.tasks[].limits.maxOutputBytes';
        value: number;
        index: number;
    }
    interface RequesterFrameTasksInputFieldEvent {
        field: '$.tasks[].input';
        value: Uint8Array;
        index: number;
    }
    interface RequesterFrameTasksPaidFieldEvent {
        field: '$.tasks[].paid';
        value: boolean;
        index: number;
    }
    interface RequesterFrameTasksRequesterFieldEvent {
        field: '$.tasks[].requester';
        value: string;
        index: number;
    }
    interface RequesterFrameTasksPriceFieldEvent {
        field: '$.tasks[].price';
        value: string;
        index: number;
    }
    interface RequesterFrameTasksRequesterBindingFieldEvent {
        field: '$.tasks[].requesterBinding';
        value: Uint8Array;
        index: number;
    }
    interface RequesterFrameTasksIdFieldEvent {
        field: '$.tasks[].id';
        value: number;
        index: number;
    }
    interface RequesterFrameTasksMountsGuestPathFieldEvent {
        field: '$.tasks[].mounts[].guestPath';
        value: string;
        index: number;
    }
    interface RequesterFrameTasksMountsTreeCidFieldEvent {
        field: '$.tasks[].mounts[].treeCid';
        value: Uint8Array;
        index: number;
    }
    interface RequesterFrameTasksOutDirFieldEvent {
        field: '$.tasks[].outDir';
        value: string;
        index: number;
    }
    interface RequesterFrameTasksLogsFieldEvent {
        field: '$.tasks[].logs';
        value: boolean;
        index: number;
    }
    interface RequesterFrameCancelFieldEvent {
        field: '$.cancel[]';
        index: number;
        value: number;
    }
    interface RequesterFrameWantFieldEvent {
        field: '$.want';
        value: number;
    }
    interface RequesterFrameReturnedFieldEvent {
        field: '$.returned';
        value: number;
    }
    interface RequesterFrameKeepFieldEvent {
        field: '$.keep';
        value: number;
    }
    function encode(obj: Partial<RequesterFrame>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RequesterFrame>): RequesterFrame;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<RequesterFrame>): Generator<RequesterFrameTasksJobIdFieldEvent | RequesterFrameTasksTaskIndexFieldEvent | RequesterFrameTasksModuleCidFieldEvent | RequesterFrameTasksInputCidFieldEvent | RequesterFrameTasksArgsFieldEvent | RequesterFrameTasksEnvFieldEvent | RequesterFrameTasksLimitsTimeoutMsFieldEvent | RequesterFrameTasksLimitsMemoryPagesFieldEvent | RequesterFrameTasksLimitsFuelFieldEvent | RequesterFrameTasksLimitsMaxOutputBytesFieldEvent | RequesterFrameTasksInputFieldEvent | RequesterFrameTasksPaidFieldEvent | RequesterFrameTasksRequesterFieldEvent | RequesterFrameTasksPriceFieldEvent | RequesterFrameTasksRequesterBindingFieldEvent | RequesterFrameTasksIdFieldEvent | RequesterFrameTasksMountsGuestPathFieldEvent | RequesterFrameTasksMountsTreeCidFieldEvent | RequesterFrameTasksOutDirFieldEvent | RequesterFrameTasksLogsFieldEvent | RequesterFrameCancelFieldEvent | RequesterFrameWantFieldEvent | RequesterFrameReturnedFieldEvent | RequesterFrameKeepFieldEvent>;
}
export interface TaskLog {
    id: number;
    stderr: Uint8Array;
    progressPermille?: number;
}
export declare namespace TaskLog {
    const codec: () => Codec<TaskLog>;
    interface TaskLogIdFieldEvent {
        field: '$.id';
        value: number;
    }
    interface TaskLogStderrFieldEvent {
        field: '$.stderr';
        value: Uint8Array;
    }
    interface TaskLogProgressPermilleFieldEvent {
        field: '$.progressPermille';
        value: number;
    }
    function encode(obj: Partial<TaskLog>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskLog>): TaskLog;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<TaskLog>): Generator<TaskLogIdFieldEvent | TaskLogStderrFieldEvent | TaskLogProgressPermilleFieldEvent>;
}
export interface ProviderFrame {
    results: TaskResponse[];
    credit: number;
    logs: TaskLog[];
}
export declare namespace ProviderFrame {
    const codec: () => Codec<ProviderFrame>;
    interface ProviderFrameResultsOkFieldEvent {
        field: '$.results[].ok';
        value: boolean;
        index: number;
    }
    interface ProviderFrameResultsOutputFieldEvent {
        field: '$.results[].output';
        value: Uint8Array;
        index: number;
    }
    interface ProviderFrameResultsOutputCidFieldEvent {
        field: '$.results[].outputCid';
        value: Uint8Array;
        index: number;
    }
    interface ProviderFrameResultsDurationMsFieldEvent {
        field: '$.results[].durationMs';
        value: number;
        index: number;
    }
    interface ProviderFrameResultsFuelUsedFieldEvent {
        field: '$.results[].fuelUsed';
        value: bigint;
        index: number;
    }
    interface ProviderFrameResultsFailureCodeFieldEvent {
        field: '$.results[].failure.code';
        value: string;
        index: number;
    }
    interface ProviderFrameResultsFailureMessageFieldEvent {
        field: '$.results[].failure.message';
        value: string;
        index: number;
    }
    interface ProviderFrameResultsFailureExitCodeFieldEvent {
        field: '$.results[].failure.exitCode';
        value: number;
        index: number;
    }
    interface ProviderFrameResultsFailureStderrTailFieldEvent {
        field: '$.results[].failure.stderrTail';
        value: string;
        index: number;
    }
    interface ProviderFrameResultsReceiptSignatureFieldEvent {
        field: '$.results[].receiptSignature';
        value: Uint8Array;
        index: number;
    }
    interface ProviderFrameResultsOperatorFieldEvent {
        field: '$.results[].operator';
        value: string;
        index: number;
    }
    interface ProviderFrameResultsIdFieldEvent {
        field: '$.results[].id';
        value: number;
        index: number;
    }
    interface ProviderFrameCreditFieldEvent {
        field: '$.credit';
        value: number;
    }
    interface ProviderFrameLogsIdFieldEvent {
        field: '$.logs[].id';
        value: number;
        index: number;
    }
    interface ProviderFrameLogsStderrFieldEvent {
        field: '$.logs[].stderr';
        value: Uint8Array;
        index: number;
    }
    interface ProviderFrameLogsProgressPermilleFieldEvent {
        field: '$.logs[].progressPermille';
        value: number;
        index: number;
    }
    function encode(obj: Partial<ProviderFrame>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProviderFrame>): ProviderFrame;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ProviderFrame>): Generator<ProviderFrameResultsOkFieldEvent | ProviderFrameResultsOutputFieldEvent | ProviderFrameResultsOutputCidFieldEvent | ProviderFrameResultsDurationMsFieldEvent | ProviderFrameResultsFuelUsedFieldEvent | ProviderFrameResultsFailureCodeFieldEvent | ProviderFrameResultsFailureMessageFieldEvent | ProviderFrameResultsFailureExitCodeFieldEvent | ProviderFrameResultsFailureStderrTailFieldEvent | ProviderFrameResultsReceiptSignatureFieldEvent | ProviderFrameResultsOperatorFieldEvent | ProviderFrameResultsIdFieldEvent | ProviderFrameCreditFieldEvent | ProviderFrameLogsIdFieldEvent | ProviderFrameLogsStderrFieldEvent | ProviderFrameLogsProgressPermilleFieldEvent>;
}
export interface ChequeMessage {
    jobId: Uint8Array;
    cumulativeAmount: string;
    signature: Uint8Array;
    final: boolean;
    requester: string;
    owner: string;
    id: number;
}
export declare namespace ChequeMessage {
    const codec: () => Codec<ChequeMessage>;
    interface ChequeMessageJobIdFieldEvent {
        field: '$.jobId';
        value: Uint8Array;
    }
    interface ChequeMessageCumulativeAmountFieldEvent {
        field: '$.cumulativeAmount';
        value: string;
    }
    interface ChequeMessageSignatureFieldEvent {
        field: '$.signature';
        value: Uint8Array;
    }
    interface ChequeMessageFinalFieldEvent {
        field: '$.final';
        value: boolean;
    }
    interface ChequeMessageRequesterFieldEvent {
        field: '$.requester';
        value: string;
    }
    interface ChequeMessageOwnerFieldEvent {
        field: '$.owner';
        value: string;
    }
    interface ChequeMessageIdFieldEvent {
        field: '$.id';
        value: number;
    }
    function encode(obj: Partial<ChequeMessage>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChequeMessage>): ChequeMessage;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChequeMessage>): Generator<ChequeMessageJobIdFieldEvent | ChequeMessageCumulativeAmountFieldEvent | ChequeMessageSignatureFieldEvent | ChequeMessageFinalFieldEvent | ChequeMessageRequesterFieldEvent | ChequeMessageOwnerFieldEvent | ChequeMessageIdFieldEvent>;
}
export interface ChequeAck {
    ok: boolean;
    error: string;
    held: string;
    id: number;
}
export declare namespace ChequeAck {
    const codec: () => Codec<ChequeAck>;
    interface ChequeAckOkFieldEvent {
        field: '$.ok';
        value: boolean;
    }
    interface ChequeAckErrorFieldEvent {
        field: '$.error';
        value: string;
    }
    interface ChequeAckHeldFieldEvent {
        field: '$.held';
        value: string;
    }
    interface ChequeAckIdFieldEvent {
        field: '$.id';
        value: number;
    }
    function encode(obj: Partial<ChequeAck>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChequeAck>): ChequeAck;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<ChequeAck>): Generator<ChequeAckOkFieldEvent | ChequeAckErrorFieldEvent | ChequeAckHeldFieldEvent | ChequeAckIdFieldEvent>;
}
export interface BlobRequest {
    cid: Uint8Array;
    holdersFailed: boolean;
}
export declare namespace BlobRequest {
    const codec: () => Codec<BlobRequest>;
    interface BlobRequestCidFieldEvent {
        field: '$.cid';
        value: Uint8Array;
    }
    interface BlobRequestHoldersFailedFieldEvent {
        field: '$.holdersFailed';
        value: boolean;
    }
    function encode(obj: Partial<BlobRequest>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobRequest>): BlobRequest;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobRequest>): Generator<BlobRequestCidFieldEvent | BlobRequestHoldersFailedFieldEvent>;
}
export interface BlobResponse {
    found: boolean;
    data: Uint8Array;
    busy: boolean;
    holders: BlobHolder[];
}
export declare namespace BlobResponse {
    const codec: () => Codec<BlobResponse>;
    interface BlobResponseFoundFieldEvent {
        field: '$.found';
        value: boolean;
    }
    interface BlobResponseDataFieldEvent {
        field: '$.data';
        value: Uint8Array;
    }
    interface BlobResponseBusyFieldEvent {
        field: '$.busy';
        value: boolean;
    }
    interface BlobResponseHoldersPeerIdFieldEvent {
        field: '$.holders[].peerId';
        value: string;
        index: number;
    }
    interface BlobResponseHoldersMultiaddrsFieldEvent {
        field: '$.holders[].multiaddrs[]';
        index: number;
        value: Uint8Array;
    }
    function encode(obj: Partial<BlobResponse>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobResponse>): BlobResponse;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobResponse>): Generator<BlobResponseFoundFieldEvent | BlobResponseDataFieldEvent | BlobResponseBusyFieldEvent | BlobResponseHoldersPeerIdFieldEvent | BlobResponseHoldersMultiaddrsFieldEvent>;
}
export interface BlobHolder {
    peerId: string;
    multiaddrs: Uint8Array[];
}
export declare namespace BlobHolder {
    const codec: () => Codec<BlobHolder>;
    interface BlobHolderPeerIdFieldEvent {
        field: '$.peerId';
        value: string;
    }
    interface BlobHolderMultiaddrsFieldEvent {
        field: '$.multiaddrs[]';
        index: number;
        value: Uint8Array;
    }
    function encode(obj: Partial<BlobHolder>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobHolder>): BlobHolder;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<BlobHolder>): Generator<BlobHolderPeerIdFieldEvent | BlobHolderMultiaddrsFieldEvent>;
}
export interface CapacityAd {
    peerId: string;
    owner: string;
    workers: number;
    scoreMilli: number;
    tier: string;
    price: string;
    multiaddrs: Uint8Array[];
    timestampMs: bigint;
    busy: number;
    stake: string;
    operator: string;
    binding: Uint8Array;
}
export declare namespace CapacityAd {
    const codec: () => Codec<CapacityAd>;
    interface CapacityAdPeerIdFieldEvent {
        field: '$.peerId';
        value: string;
    }
    interface CapacityAdOwnerFieldEvent {
        field: '$.owner';
        value: string;
    }
    interface CapacityAdWorkersFieldEvent {
        field: '$.workers';
        value: number;
    }
    interface CapacityAdScoreMilliFieldEvent {
        field: '$.scoreMilli';
        value: number;
    }
    interface CapacityAdTierFieldEvent {
        field: '$.tier';
        value: string;
    }
    interface CapacityAdPriceFieldEvent {
        field: '$.price';
        value: string;
    }
    interface CapacityAdMultiaddrsFieldEvent {
        field: '$.multiaddrs[]';
        index: number;
        value: Uint8Array;
    }
    interface CapacityAdTimestampMsFieldEvent {
        field: '$.timestampMs';
        value: bigint;
    }
    interface CapacityAdBusyFieldEvent {
        field: '$.busy';
        value: number;
    }
    interface CapacityAdStakeFieldEvent {
        field: '$.stake';
        value: string;
    }
    interface CapacityAdOperatorFieldEvent {
        field: '$.operator';
        value: string;
    }
    interface CapacityAdBindingFieldEvent {
        field: '$.binding';
        value: Uint8Array;
    }
    function encode(obj: Partial<CapacityAd>): Uint8Array;
    function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CapacityAd>): CapacityAd;
    function stream(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<CapacityAd>): Generator<CapacityAdPeerIdFieldEvent | CapacityAdOwnerFieldEvent | CapacityAdWorkersFieldEvent | CapacityAdScoreMilliFieldEvent | CapacityAdTierFieldEvent | CapacityAdPriceFieldEvent | CapacityAdMultiaddrsFieldEvent | CapacityAdTimestampMsFieldEvent | CapacityAdBusyFieldEvent | CapacityAdStakeFieldEvent | CapacityAdOperatorFieldEvent | CapacityAdBindingFieldEvent>;
}
