import { decodeMessage, encodeMessage, MaxLengthError, message, streamMessage } from 'protons-runtime';
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc';
export var TaskLimits;
(function (TaskLimits) {
    let _codec;
    TaskLimits.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.timeoutMs != null && obj.timeoutMs !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.timeoutMs);
                }
                if ((obj.memoryPages != null && obj.memoryPages !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.memoryPages);
                }
                if ((obj.fuel != null && obj.fuel !== 0n)) {
                    w.uint32(24);
                    w.uint64(obj.fuel);
                }
                if ((obj.maxOutputBytes != null && obj.maxOutputBytes !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.maxOutputBytes);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    timeoutMs: 0,
                    memoryPages: 0,
                    fuel: 0n,
                    maxOutputBytes: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.timeoutMs = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.memoryPages = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.fuel = reader.uint64();
                            break;
                        }
                        case 4: {
                            obj.maxOutputBytes = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.timeoutMs`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.memoryPages`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.fuel`,
                                value: reader.uint64()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.maxOutputBytes`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, TaskLimits.codec());
    }
    TaskLimits.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, TaskLimits.codec(), opts);
    }
    TaskLimits.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, TaskLimits.codec(), opts);
    }
    TaskLimits.stream = stream;
})(TaskLimits || (TaskLimits = {}));
export var TaskRequest;
(function (TaskRequest) {
    let _codec;
    TaskRequest.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobId != null && obj.jobId !== '')) {
                    w.uint32(10);
                    w.string(obj.jobId);
                }
                if ((obj.taskIndex != null && obj.taskIndex !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.taskIndex);
                }
                if ((obj.moduleCid != null && obj.moduleCid.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.moduleCid);
                }
                if ((obj.inputCid != null && obj.inputCid.byteLength > 0)) {
                    w.uint32(34);
                    w.bytes(obj.inputCid);
                }
                if (obj.args != null && obj.args.length > 0) {
                    for (const value of obj.args) {
                        w.uint32(42);
                        w.string(value);
                    }
                }
                if (obj.env != null && obj.env.length > 0) {
                    for (const value of obj.env) {
                        w.uint32(50);
                        w.string(value);
                    }
                }
                if (obj.limits != null) {
                    w.uint32(58);
                    TaskLimits.codec().encode(obj.limits, w);
                }
                if ((obj.input != null && obj.input.byteLength > 0)) {
                    w.uint32(66);
                    w.bytes(obj.input);
                }
                if ((obj.paid != null && obj.paid !== false)) {
                    w.uint32(72);
                    w.bool(obj.paid);
                }
                if ((obj.requester != null && obj.requester !== '')) {
                    w.uint32(82);
                    w.string(obj.requester);
                }
                if ((obj.price != null && obj.price !== '')) {
                    w.uint32(90);
                    w.string(obj.price);
                }
                if ((obj.requesterBinding != null && obj.requesterBinding.byteLength > 0)) {
                    w.uint32(98);
                    w.bytes(obj.requesterBinding);
                }
                if ((obj.id != null && obj.id !== 0)) {
                    w.uint32(104);
                    w.uint32(obj.id);
                }
                if (obj.mounts != null && obj.mounts.length > 0) {
                    for (const value of obj.mounts) {
                        w.uint32(114);
                        Mount.codec().encode(value, w);
                    }
                }
                if ((obj.outDir != null && obj.outDir !== '')) {
                    w.uint32(122);
                    w.string(obj.outDir);
                }
                if ((obj.logs != null && obj.logs !== false)) {
                    w.uint32(128);
                    w.bool(obj.logs);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobId: '',
                    taskIndex: 0,
                    moduleCid: uint8ArrayAlloc(0),
                    inputCid: uint8ArrayAlloc(0),
                    args: [],
                    env: [],
                    input: uint8ArrayAlloc(0),
                    paid: false,
                    requester: '',
                    price: '',
                    requesterBinding: uint8ArrayAlloc(0),
                    id: 0,
                    mounts: [],
                    outDir: '',
                    logs: false
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobId = reader.string();
                            break;
                        }
                        case 2: {
                            obj.taskIndex = reader.uint32();
                            break;
                        }
                        case 3: {
                            obj.moduleCid = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.inputCid = reader.bytes();
                            break;
                        }
                        case 5: {
                            if (opts.limits?.args != null && obj.args.length === opts.limits.args) {
                                throw new MaxLengthError('Decode error - repeated field "args" had too many elements');
                            }
                            obj.args.push(reader.string());
                            break;
                        }
                        case 6: {
                            if (opts.limits?.env != null && obj.env.length === opts.limits.env) {
                                throw new MaxLengthError('Decode error - repeated field "env" had too many elements');
                            }
                            obj.env.push(reader.string());
                            break;
                        }
                        case 7: {
                            obj.limits = TaskLimits.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.limits
                            });
                            break;
                        }
                        case 8: {
                            obj.input = reader.bytes();
                            break;
                        }
                        case 9: {
                            obj.paid = reader.bool();
                            break;
                        }
                        case 10: {
                            obj.requester = reader.string();
                            break;
                        }
                        case 11: {
                            obj.price = reader.string();
                            break;
                        }
                        case 12: {
                            obj.requesterBinding = reader.bytes();
                            break;
                        }
                        case 13: {
                            obj.id = reader.uint32();
                            break;
                        }
                        case 14: {
                            if (opts.limits?.mounts != null && obj.mounts.length === opts.limits.mounts) {
                                throw new MaxLengthError('Decode error - repeated field "mounts" had too many elements');
                            }
                            obj.mounts.push(Mount.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.mounts$
                            }));
                            break;
                        }
                        case 15: {
                            obj.outDir = reader.string();
                            break;
                        }
                        case 16: {
                            obj.logs = reader.bool();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    args: 0,
                    env: 0,
                    mounts: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobId`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.taskIndex`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.moduleCid`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.inputCid`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 5: {
                            if (opts.limits?.args != null && obj.args === opts.limits.args) {
                                throw new MaxLengthError('Streaming decode error - repeated field "args" had too many elements');
                            }
                            yield {
                                field: `${prefix}.args[]`,
                                index: obj.args,
                                value: reader.string()
                            };
                            obj.args++;
                            break;
                        }
                        case 6: {
                            if (opts.limits?.env != null && obj.env === opts.limits.env) {
                                throw new MaxLengthError('Streaming decode error - repeated field "env" had too many elements');
                            }
                            yield {
                                field: `${prefix}.env[]`,
                                index: obj.env,
                                value: reader.string()
                            };
                            obj.env++;
                            break;
                        }
                        case 7: {
                            yield* TaskLimits.codec().stream(reader, reader.uint32(), `${prefix}.limits`, {
                                limits: opts.limits?.limits
                            });
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.input`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.paid`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 10: {
                            yield {
                                field: `${prefix}.requester`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 11: {
                            yield {
                                field: `${prefix}.price`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 12: {
                            yield {
                                field: `${prefix}.requesterBinding`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 13: {
                            yield {
                                field: `${prefix}.id`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 14: {
                            if (opts.limits?.mounts != null && obj.mounts === opts.limits.mounts) {
                                throw new MaxLengthError('Streaming decode error - repeated field "mounts" had too many elements');
                            }
                            for (const evt of Mount.codec().stream(reader, reader.uint32(), `${prefix}.mounts[]`, {
                                limits: opts.limits?.mounts$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.mounts
                                };
                            }
                            obj.mounts++;
                            break;
                        }
                        case 15: {
                            yield {
                                field: `${prefix}.outDir`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 16: {
                            yield {
                                field: `${prefix}.logs`,
                                value: reader.bool()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, TaskRequest.codec());
    }
    TaskRequest.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, TaskRequest.codec(), opts);
    }
    TaskRequest.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, TaskRequest.codec(), opts);
    }
    TaskRequest.stream = stream;
})(TaskRequest || (TaskRequest = {}));
export var Mount;
(function (Mount) {
    let _codec;
    Mount.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.guestPath != null && obj.guestPath !== '')) {
                    w.uint32(10);
                    w.string(obj.guestPath);
                }
                if ((obj.treeCid != null && obj.treeCid.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.treeCid);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    guestPath: '',
                    treeCid: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.guestPath = reader.string();
                            break;
                        }
                        case 2: {
                            obj.treeCid = reader.bytes();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.guestPath`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.treeCid`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, Mount.codec());
    }
    Mount.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, Mount.codec(), opts);
    }
    Mount.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, Mount.codec(), opts);
    }
    Mount.stream = stream;
})(Mount || (Mount = {}));
export var TaskFailure;
(function (TaskFailure) {
    let _codec;
    TaskFailure.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.code != null && obj.code !== '')) {
                    w.uint32(10);
                    w.string(obj.code);
                }
                if ((obj.message != null && obj.message !== '')) {
                    w.uint32(18);
                    w.string(obj.message);
                }
                if ((obj.exitCode != null && obj.exitCode !== 0)) {
                    w.uint32(24);
                    w.sint32(obj.exitCode);
                }
                if ((obj.stderrTail != null && obj.stderrTail !== '')) {
                    w.uint32(34);
                    w.string(obj.stderrTail);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    code: '',
                    message: '',
                    exitCode: 0,
                    stderrTail: ''
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.code = reader.string();
                            break;
                        }
                        case 2: {
                            obj.message = reader.string();
                            break;
                        }
                        case 3: {
                            obj.exitCode = reader.sint32();
                            break;
                        }
                        case 4: {
                            obj.stderrTail = reader.string();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.code`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.message`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.exitCode`,
                                value: reader.sint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.stderrTail`,
                                value: reader.string()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, TaskFailure.codec());
    }
    TaskFailure.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, TaskFailure.codec(), opts);
    }
    TaskFailure.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, TaskFailure.codec(), opts);
    }
    TaskFailure.stream = stream;
})(TaskFailure || (TaskFailure = {}));
export var TaskResponse;
(function (TaskResponse) {
    let _codec;
    TaskResponse.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.ok != null && obj.ok !== false)) {
                    w.uint32(8);
                    w.bool(obj.ok);
                }
                if ((obj.output != null && obj.output.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.output);
                }
                if ((obj.outputCid != null && obj.outputCid.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.outputCid);
                }
                if ((obj.durationMs != null && obj.durationMs !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.durationMs);
                }
                if ((obj.fuelUsed != null && obj.fuelUsed !== 0n)) {
                    w.uint32(40);
                    w.uint64(obj.fuelUsed);
                }
                if (obj.failure != null) {
                    w.uint32(50);
                    TaskFailure.codec().encode(obj.failure, w);
                }
                if ((obj.receiptSignature != null && obj.receiptSignature.byteLength > 0)) {
                    w.uint32(58);
                    w.bytes(obj.receiptSignature);
                }
                if ((obj.operator != null && obj.operator !== '')) {
                    w.uint32(66);
                    w.string(obj.operator);
                }
                if ((obj.id != null && obj.id !== 0)) {
                    w.uint32(72);
                    w.uint32(obj.id);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    ok: false,
                    output: uint8ArrayAlloc(0),
                    outputCid: uint8ArrayAlloc(0),
                    durationMs: 0,
                    fuelUsed: 0n,
                    receiptSignature: uint8ArrayAlloc(0),
                    operator: '',
                    id: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.ok = reader.bool();
                            break;
                        }
                        case 2: {
                            obj.output = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.outputCid = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.durationMs = reader.uint32();
                            break;
                        }
                        case 5: {
                            obj.fuelUsed = reader.uint64();
                            break;
                        }
                        case 6: {
                            obj.failure = TaskFailure.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.failure
                            });
                            break;
                        }
                        case 7: {
                            obj.receiptSignature = reader.bytes();
                            break;
                        }
                        case 8: {
                            obj.operator = reader.string();
                            break;
                        }
                        case 9: {
                            obj.id = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.ok`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.output`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.outputCid`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.durationMs`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.fuelUsed`,
                                value: reader.uint64()
                            };
                            break;
                        }
                        case 6: {
                            yield* TaskFailure.codec().stream(reader, reader.uint32(), `${prefix}.failure`, {
                                limits: opts.limits?.failure
                            });
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.receiptSignature`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.operator`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.id`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, TaskResponse.codec());
    }
    TaskResponse.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, TaskResponse.codec(), opts);
    }
    TaskResponse.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, TaskResponse.codec(), opts);
    }
    TaskResponse.stream = stream;
})(TaskResponse || (TaskResponse = {}));
export var RequesterFrame;
(function (RequesterFrame) {
    let _codec;
    RequesterFrame.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.tasks != null && obj.tasks.length > 0) {
                    for (const value of obj.tasks) {
                        w.uint32(10);
                        TaskRequest.codec().encode(value, w);
                    }
                }
                if (obj.cancel != null && obj.cancel.length > 0) {
                    for (const value of obj.cancel) {
                        w.uint32(16);
                        w.uint32(value);
                    }
                }
                if ((obj.want != null && obj.want !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.want);
                }
                if ((obj.returned != null && obj.returned !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.returned);
                }
                if ((obj.keep != null && obj.keep !== 0)) {
                    w.uint32(40);
                    w.uint32(obj.keep);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    tasks: [],
                    cancel: [],
                    want: 0,
                    returned: 0,
                    keep: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.tasks != null && obj.tasks.length === opts.limits.tasks) {
                                throw new MaxLengthError('Decode error - repeated field "tasks" had too many elements');
                            }
                            obj.tasks.push(TaskRequest.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.tasks$
                            }));
                            break;
                        }
                        case 2: {
                            if (opts.limits?.cancel != null && obj.cancel.length === opts.limits.cancel) {
                                throw new MaxLengthError('Decode error - repeated field "cancel" had too many elements');
                            }
                            obj.cancel.push(reader.uint32());
                            break;
                        }
                        case 3: {
                            obj.want = reader.uint32();
                            break;
                        }
                        case 4: {
                            obj.returned = reader.uint32();
                            break;
                        }
                        case 5: {
                            obj.keep = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    tasks: 0,
                    cancel: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.tasks != null && obj.tasks === opts.limits.tasks) {
                                throw new MaxLengthError('Streaming decode error - repeated field "tasks" had too many elements');
                            }
                            for (const evt of TaskRequest.codec().stream(reader, reader.uint32(), `${prefix}.tasks[]`, {
                                limits: opts.limits?.tasks$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.tasks
                                };
                            }
                            obj.tasks++;
                            break;
                        }
                        case 2: {
                            if (opts.limits?.cancel != null && obj.cancel === opts.limits.cancel) {
                                throw new MaxLengthError('Streaming decode error - repeated field "cancel" had too many elements');
                            }
                            yield {
                                field: `${prefix}.cancel[]`,
                                index: obj.cancel,
                                value: reader.uint32()
                            };
                            obj.cancel++;
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.want`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.returned`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.keep`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, RequesterFrame.codec());
    }
    RequesterFrame.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, RequesterFrame.codec(), opts);
    }
    RequesterFrame.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, RequesterFrame.codec(), opts);
    }
    RequesterFrame.stream = stream;
})(RequesterFrame || (RequesterFrame = {}));
export var TaskLog;
(function (TaskLog) {
    let _codec;
    TaskLog.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.id != null && obj.id !== 0)) {
                    w.uint32(8);
                    w.uint32(obj.id);
                }
                if ((obj.stderr != null && obj.stderr.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.stderr);
                }
                if (obj.progressPermille != null) {
                    w.uint32(24);
                    w.uint32(obj.progressPermille);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    id: 0,
                    stderr: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.id = reader.uint32();
                            break;
                        }
                        case 2: {
                            obj.stderr = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.progressPermille = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.id`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.stderr`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.progressPermille`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, TaskLog.codec());
    }
    TaskLog.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, TaskLog.codec(), opts);
    }
    TaskLog.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, TaskLog.codec(), opts);
    }
    TaskLog.stream = stream;
})(TaskLog || (TaskLog = {}));
export var ProviderFrame;
(function (ProviderFrame) {
    let _codec;
    ProviderFrame.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if (obj.results != null && obj.results.length > 0) {
                    for (const value of obj.results) {
                        w.uint32(10);
                        TaskResponse.codec().encode(value, w);
                    }
                }
                if ((obj.credit != null && obj.credit !== 0)) {
                    w.uint32(16);
                    w.uint32(obj.credit);
                }
                if (obj.logs != null && obj.logs.length > 0) {
                    for (const value of obj.logs) {
                        w.uint32(26);
                        TaskLog.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    results: [],
                    credit: 0,
                    logs: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.results != null && obj.results.length === opts.limits.results) {
                                throw new MaxLengthError('Decode error - repeated field "results" had too many elements');
                            }
                            obj.results.push(TaskResponse.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.results$
                            }));
                            break;
                        }
                        case 2: {
                            obj.credit = reader.uint32();
                            break;
                        }
                        case 3: {
                            if (opts.limits?.logs != null && obj.logs.length === opts.limits.logs) {
                                throw new MaxLengthError('Decode error - repeated field "logs" had too many elements');
                            }
                            obj.logs.push(TaskLog.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.logs$
                            }));
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    results: 0,
                    logs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            if (opts.limits?.results != null && obj.results === opts.limits.results) {
                                throw new MaxLengthError('Streaming decode error - repeated field "results" had too many elements');
                            }
                            for (const evt of TaskResponse.codec().stream(reader, reader.uint32(), `${prefix}.results[]`, {
                                limits: opts.limits?.results$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.results
                                };
                            }
                            obj.results++;
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.credit`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 3: {
                            if (opts.limits?.logs != null && obj.logs === opts.limits.logs) {
                                throw new MaxLengthError('Streaming decode error - repeated field "logs" had too many elements');
                            }
                            for (const evt of TaskLog.codec().stream(reader, reader.uint32(), `${prefix}.logs[]`, {
                                limits: opts.limits?.logs$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.logs
                                };
                            }
                            obj.logs++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, ProviderFrame.codec());
    }
    ProviderFrame.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, ProviderFrame.codec(), opts);
    }
    ProviderFrame.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, ProviderFrame.codec(), opts);
    }
    ProviderFrame.stream = stream;
})(ProviderFrame || (ProviderFrame = {}));
export var ChequeMessage;
(function (ChequeMessage) {
    let _codec;
    ChequeMessage.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.jobId != null && obj.jobId.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.jobId);
                }
                if ((obj.cumulativeAmount != null && obj.cumulativeAmount !== '')) {
                    w.uint32(18);
                    w.string(obj.cumulativeAmount);
                }
                if ((obj.signature != null && obj.signature.byteLength > 0)) {
                    w.uint32(26);
                    w.bytes(obj.signature);
                }
                if ((obj.final != null && obj.final !== false)) {
                    w.uint32(32);
                    w.bool(obj.final);
                }
                if ((obj.requester != null && obj.requester !== '')) {
                    w.uint32(42);
                    w.string(obj.requester);
                }
                if ((obj.owner != null && obj.owner !== '')) {
                    w.uint32(50);
                    w.string(obj.owner);
                }
                if ((obj.id != null && obj.id !== 0)) {
                    w.uint32(56);
                    w.uint32(obj.id);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    jobId: uint8ArrayAlloc(0),
                    cumulativeAmount: '',
                    signature: uint8ArrayAlloc(0),
                    final: false,
                    requester: '',
                    owner: '',
                    id: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.jobId = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.cumulativeAmount = reader.string();
                            break;
                        }
                        case 3: {
                            obj.signature = reader.bytes();
                            break;
                        }
                        case 4: {
                            obj.final = reader.bool();
                            break;
                        }
                        case 5: {
                            obj.requester = reader.string();
                            break;
                        }
                        case 6: {
                            obj.owner = reader.string();
                            break;
                        }
                        case 7: {
                            obj.id = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.jobId`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.cumulativeAmount`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.signature`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.final`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.requester`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.owner`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 7: {
                            yield {
                                field: `${prefix}.id`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, ChequeMessage.codec());
    }
    ChequeMessage.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, ChequeMessage.codec(), opts);
    }
    ChequeMessage.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, ChequeMessage.codec(), opts);
    }
    ChequeMessage.stream = stream;
})(ChequeMessage || (ChequeMessage = {}));
export var ChequeAck;
(function (ChequeAck) {
    let _codec;
    ChequeAck.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.ok != null && obj.ok !== false)) {
                    w.uint32(8);
                    w.bool(obj.ok);
                }
                if ((obj.error != null && obj.error !== '')) {
                    w.uint32(18);
                    w.string(obj.error);
                }
                if ((obj.held != null && obj.held !== '')) {
                    w.uint32(26);
                    w.string(obj.held);
                }
                if ((obj.id != null && obj.id !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.id);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    ok: false,
                    error: '',
                    held: '',
                    id: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.ok = reader.bool();
                            break;
                        }
                        case 2: {
                            obj.error = reader.string();
                            break;
                        }
                        case 3: {
                            obj.held = reader.string();
                            break;
                        }
                        case 4: {
                            obj.id = reader.uint32();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.ok`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.error`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.held`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.id`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, ChequeAck.codec());
    }
    ChequeAck.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, ChequeAck.codec(), opts);
    }
    ChequeAck.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, ChequeAck.codec(), opts);
    }
    ChequeAck.stream = stream;
})(ChequeAck || (ChequeAck = {}));
export var BlobRequest;
(function (BlobRequest) {
    let _codec;
    BlobRequest.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.cid != null && obj.cid.byteLength > 0)) {
                    w.uint32(10);
                    w.bytes(obj.cid);
                }
                if ((obj.holdersFailed != null && obj.holdersFailed !== false)) {
                    w.uint32(16);
                    w.bool(obj.holdersFailed);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    cid: uint8ArrayAlloc(0),
                    holdersFailed: false
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.cid = reader.bytes();
                            break;
                        }
                        case 2: {
                            obj.holdersFailed = reader.bool();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.cid`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.holdersFailed`,
                                value: reader.bool()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, BlobRequest.codec());
    }
    BlobRequest.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, BlobRequest.codec(), opts);
    }
    BlobRequest.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, BlobRequest.codec(), opts);
    }
    BlobRequest.stream = stream;
})(BlobRequest || (BlobRequest = {}));
export var BlobResponse;
(function (BlobResponse) {
    let _codec;
    BlobResponse.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.found != null && obj.found !== false)) {
                    w.uint32(8);
                    w.bool(obj.found);
                }
                if ((obj.data != null && obj.data.byteLength > 0)) {
                    w.uint32(18);
                    w.bytes(obj.data);
                }
                if ((obj.busy != null && obj.busy !== false)) {
                    w.uint32(24);
                    w.bool(obj.busy);
                }
                if (obj.holders != null && obj.holders.length > 0) {
                    for (const value of obj.holders) {
                        w.uint32(34);
                        BlobHolder.codec().encode(value, w);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    found: false,
                    data: uint8ArrayAlloc(0),
                    busy: false,
                    holders: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.found = reader.bool();
                            break;
                        }
                        case 2: {
                            obj.data = reader.bytes();
                            break;
                        }
                        case 3: {
                            obj.busy = reader.bool();
                            break;
                        }
                        case 4: {
                            if (opts.limits?.holders != null && obj.holders.length === opts.limits.holders) {
                                throw new MaxLengthError('Decode error - repeated field "holders" had too many elements');
                            }
                            obj.holders.push(BlobHolder.codec().decode(reader, reader.uint32(), {
                                limits: opts.limits?.holders$
                            }));
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    holders: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.found`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.data`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.busy`,
                                value: reader.bool()
                            };
                            break;
                        }
                        case 4: {
                            if (opts.limits?.holders != null && obj.holders === opts.limits.holders) {
                                throw new MaxLengthError('Streaming decode error - repeated field "holders" had too many elements');
                            }
                            for (const evt of BlobHolder.codec().stream(reader, reader.uint32(), `${prefix}.holders[]`, {
                                limits: opts.limits?.holders$
                            })) {
                                yield {
                                    ...evt,
                                    index: obj.holders
                                };
                            }
                            obj.holders++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, BlobResponse.codec());
    }
    BlobResponse.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, BlobResponse.codec(), opts);
    }
    BlobResponse.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, BlobResponse.codec(), opts);
    }
    BlobResponse.stream = stream;
})(BlobResponse || (BlobResponse = {}));
export var BlobHolder;
(function (BlobHolder) {
    let _codec;
    BlobHolder.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.peerId != null && obj.peerId !== '')) {
                    w.uint32(10);
                    w.string(obj.peerId);
                }
                if (obj.multiaddrs != null && obj.multiaddrs.length > 0) {
                    for (const value of obj.multiaddrs) {
                        w.uint32(18);
                        w.bytes(value);
                    }
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    peerId: '',
                    multiaddrs: []
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.peerId = reader.string();
                            break;
                        }
                        case 2: {
                            if (opts.limits?.multiaddrs != null && obj.multiaddrs.length === opts.limits.multiaddrs) {
                                throw new MaxLengthError('Decode error - repeated field "multiaddrs" had too many elements');
                            }
                            obj.multiaddrs.push(reader.bytes());
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    multiaddrs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.peerId`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            if (opts.limits?.multiaddrs != null && obj.multiaddrs === opts.limits.multiaddrs) {
                                throw new MaxLengthError('Streaming decode error - repeated field "multiaddrs" had too many elements');
                            }
                            yield {
                                field: `${prefix}.multiaddrs[]`,
                                index: obj.multiaddrs,
                                value: reader.bytes()
                            };
                            obj.multiaddrs++;
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, BlobHolder.codec());
    }
    BlobHolder.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, BlobHolder.codec(), opts);
    }
    BlobHolder.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, BlobHolder.codec(), opts);
    }
    BlobHolder.stream = stream;
})(BlobHolder || (BlobHolder = {}));
export var CapacityAd;
(function (CapacityAd) {
    let _codec;
    CapacityAd.codec = () => {
        if (_codec == null) {
            _codec = message((obj, w, opts = {}) => {
                if (opts.lengthDelimited !== false) {
                    w.fork();
                }
                if ((obj.peerId != null && obj.peerId !== '')) {
                    w.uint32(10);
                    w.string(obj.peerId);
                }
                if ((obj.owner != null && obj.owner !== '')) {
                    w.uint32(18);
                    w.string(obj.owner);
                }
                if ((obj.workers != null && obj.workers !== 0)) {
                    w.uint32(24);
                    w.uint32(obj.workers);
                }
                if ((obj.scoreMilli != null && obj.scoreMilli !== 0)) {
                    w.uint32(32);
                    w.uint32(obj.scoreMilli);
                }
                if ((obj.tier != null && obj.tier !== '')) {
                    w.uint32(42);
                    w.string(obj.tier);
                }
                if ((obj.price != null && obj.price !== '')) {
                    w.uint32(50);
                    w.string(obj.price);
                }
                if (obj.multiaddrs != null && obj.multiaddrs.length > 0) {
                    for (const value of obj.multiaddrs) {
                        w.uint32(58);
                        w.bytes(value);
                    }
                }
                if ((obj.timestampMs != null && obj.timestampMs !== 0n)) {
                    w.uint32(64);
                    w.uint64(obj.timestampMs);
                }
                if ((obj.busy != null && obj.busy !== 0)) {
                    w.uint32(72);
                    w.uint32(obj.busy);
                }
                if ((obj.stake != null && obj.stake !== '')) {
                    w.uint32(82);
                    w.string(obj.stake);
                }
                if ((obj.operator != null && obj.operator !== '')) {
                    w.uint32(90);
                    w.string(obj.operator);
                }
                if ((obj.binding != null && obj.binding.byteLength > 0)) {
                    w.uint32(98);
                    w.bytes(obj.binding);
                }
                if (opts.lengthDelimited !== false) {
                    w.ldelim();
                }
            }, (reader, length, opts = {}) => {
                const obj = {
                    peerId: '',
                    owner: '',
                    workers: 0,
                    scoreMilli: 0,
                    tier: '',
                    price: '',
                    multiaddrs: [],
                    timestampMs: 0n,
                    busy: 0,
                    stake: '',
                    operator: '',
                    binding: uint8ArrayAlloc(0)
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            obj.peerId = reader.string();
                            break;
                        }
                        case 2: {
                            obj.owner = reader.string();
                            break;
                        }
                        case 3: {
                            obj.workers = reader.uint32();
                            break;
                        }
                        case 4: {
                            obj.scoreMilli = reader.uint32();
                            break;
                        }
                        case 5: {
                            obj.tier = reader.string();
                            break;
                        }
                        case 6: {
                            obj.price = reader.string();
                            break;
                        }
                        case 7: {
                            if (opts.limits?.multiaddrs != null && obj.multiaddrs.length === opts.limits.multiaddrs) {
                                throw new MaxLengthError('Decode error - repeated field "multiaddrs" had too many elements');
                            }
                            obj.multiaddrs.push(reader.bytes());
                            break;
                        }
                        case 8: {
                            obj.timestampMs = reader.uint64();
                            break;
                        }
                        case 9: {
                            obj.busy = reader.uint32();
                            break;
                        }
                        case 10: {
                            obj.stake = reader.string();
                            break;
                        }
                        case 11: {
                            obj.operator = reader.string();
                            break;
                        }
                        case 12: {
                            obj.binding = reader.bytes();
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
                return obj;
            }, function* (reader, length, prefix, opts = {}) {
                const obj = {
                    multiaddrs: 0
                };
                const end = length == null ? reader.len : reader.pos + length;
                while (reader.pos < end) {
                    const tag = reader.uint32();
                    switch (tag >>> 3) {
                        case 1: {
                            yield {
                                field: `${prefix}.peerId`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 2: {
                            yield {
                                field: `${prefix}.owner`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 3: {
                            yield {
                                field: `${prefix}.workers`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 4: {
                            yield {
                                field: `${prefix}.scoreMilli`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 5: {
                            yield {
                                field: `${prefix}.tier`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 6: {
                            yield {
                                field: `${prefix}.price`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 7: {
                            if (opts.limits?.multiaddrs != null && obj.multiaddrs === opts.limits.multiaddrs) {
                                throw new MaxLengthError('Streaming decode error - repeated field "multiaddrs" had too many elements');
                            }
                            yield {
                                field: `${prefix}.multiaddrs[]`,
                                index: obj.multiaddrs,
                                value: reader.bytes()
                            };
                            obj.multiaddrs++;
                            break;
                        }
                        case 8: {
                            yield {
                                field: `${prefix}.timestampMs`,
                                value: reader.uint64()
                            };
                            break;
                        }
                        case 9: {
                            yield {
                                field: `${prefix}.busy`,
                                value: reader.uint32()
                            };
                            break;
                        }
                        case 10: {
                            yield {
                                field: `${prefix}.stake`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 11: {
                            yield {
                                field: `${prefix}.operator`,
                                value: reader.string()
                            };
                            break;
                        }
                        case 12: {
                            yield {
                                field: `${prefix}.binding`,
                                value: reader.bytes()
                            };
                            break;
                        }
                        default: {
                            reader.skipType(tag & 7);
                            break;
                        }
                    }
                }
            });
        }
        return _codec;
    };
    function encode(obj) {
        return encodeMessage(obj, CapacityAd.codec());
    }
    CapacityAd.encode = encode;
    function decode(buf, opts) {
        return decodeMessage(buf, CapacityAd.codec(), opts);
    }
    CapacityAd.decode = decode;
    function stream(buf, opts) {
        return streamMessage(buf, CapacityAd.codec(), opts);
    }
    CapacityAd.stream = stream;
})(CapacityAd || (CapacityAd = {}));
