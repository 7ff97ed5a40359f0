"""Computes excite IR ops with PyTorch, the independent reference for our interpreter's kernels.

Reads a JSON list of cases from stdin ({op, attrs, inputs: [{shape, data}], weights: {role: {shape, data}}, output})
and writes a JSON list of flat float lists to stdout. Run by reference-vs-torch.test.ts with Debian's python3-torch.
"""
import json
import sys

import torch
import torch.nn.functional as F

ACTIVATIONS = {
    "relu": F.relu, "relu6": F.relu6, "sigmoid": torch.sigmoid, "hard_sigmoid": F.hardsigmoid,
    "tanh": torch.tanh, "swish": F.silu, "identity": lambda x: x,
}


def tensor(t):
    return torch.tensor(t["data"], dtype=torch.float64).reshape(t["shape"])


def conv(x, w, b, a):
    top, left, bottom, right = a["pads"]
    x = F.pad(x, (left, right, top, bottom))
    y = F.conv2d(x, w, b, stride=a["stride"], dilation=a["dilation"], groups=a["groups"])
    return ACTIVATIONS[a.get("activation", "identity")](y)


def pool(kind, x, a):
    top, left, bottom, right = a["pads"]
    if top != bottom or left != right:
        raise ValueError("torch pools take symmetric padding only")
    if kind == "max":
        return F.max_pool2d(x, a["kernel"], a["stride"], (top, left), ceil_mode=a["ceil"])
    return F.avg_pool2d(x, a["kernel"], a["stride"], (top, left), ceil_mode=a["ceil"], count_include_pad=a["countIncludePad"])


def run(case):
    op, a = case["op"], case["attrs"]
    xs = [tensor(t) for t in case["inputs"]]
    w = {k: tensor(v) for k, v in case["weights"].items()}
    x = xs[0]
    if op == "Conv":
        return conv(x, w["weight"], w.get("bias"), a)
    if op == "BatchNorm":
        return F.batch_norm(x, w["mean"], w["var"], w["gamma"], w["beta"], training=False, eps=a["eps"])
    if op in ("MaxPool", "AvgPool"):
        return pool("max" if op == "MaxPool" else "avg", x, a)
    if op == "GlobalPool":
        return x.mean((2, 3), keepdim=True) if a["mode"] == "avg" else x.amax((2, 3), keepdim=True)
    if op == "Dense":
        return F.linear(x.reshape(x.shape[0], -1), w["weight"], w.get("bias"))
    if op == "ChannelShuffle":
        n, c, h, wd = x.shape
        return x.reshape(n, a["groups"], c // a["groups"], h, wd).transpose(1, 2).reshape(n, c, h, wd)
    if op == "Softmax":
        return torch.softmax(x, dim=1)
    if op == "Concat":
        return torch.cat(xs, dim=1)
    if op == "Mul":
        return xs[0] * xs[1]
    if op == "SqueezeExcite":
        s = x if a["squeeze"] == "none" else (x.mean((2, 3), keepdim=True) if a["squeeze"] == "avg" else x.amax((2, 3), keepdim=True))
        h = ACTIVATIONS[a["act"]](F.conv2d(s, w["w1"], w.get("b1")))
        return ACTIVATIONS[a["gate"]](F.conv2d(h, w["w2"], w.get("b2")))
    if op == "ScaleAdd":
        return ACTIVATIONS[a.get("activation", "identity")](xs[0] * xs[1] + xs[2])
    key = {"Relu": "relu", "Relu6": "relu6", "Sigmoid": "sigmoid", "HardSigmoid": "hard_sigmoid", "Tanh": "tanh", "Swish": "swish"}[op]
    return ACTIVATIONS[key](x)


json.dump([run(case).flatten().tolist() for case in json.load(sys.stdin)], sys.stdout)
