"""SE-ResNet-50 (Hu et al., Table 1) in PyTorch, exported to ONNX: the reference point of `pnpm bench onnx`.

Same architecture as the zoo's se-resnet-50 (bottleneck 1-3-1, stride on the 3x3, SE with r = 16 after the last
1x1 conv of each branch, 7x7/2 stem, 3x3/2 max pool), written the way PyTorch users write it (nn.Linear FCs after
a global average pool, x * s.view(N, C, 1, 1)). Random weights; exported in eval mode (BN folded by the exporter).

usage: /usr/bin/python3 se_resnet50.py OUT.onnx [--no-se] [--opset 17]
"""
import sys
import torch
from torch import nn


class SE(nn.Module):
    def __init__(self, c, r=16):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(nn.Linear(c, c // r), nn.ReLU(inplace=True), nn.Linear(c // r, c), nn.Sigmoid())

    def forward(self, x):
        n, c, _, _ = x.shape
        s = self.fc(self.pool(x).view(n, c))
        return x * s.view(n, c, 1, 1)


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride, se):
        super().__init__()
        cout = width * 4
        self.branch = nn.Sequential(
            nn.Conv2d(cin, width, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, width, 3, stride, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
            nn.Conv2d(width, cout, 1, bias=False), nn.BatchNorm2d(cout),
        )
        self.se = SE(cout) if se else nn.Identity()
        self.shortcut = (nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                         if stride != 1 or cin != cout else nn.Identity())
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.relu(self.se(self.branch(x)) + self.shortcut(x))


class SEResNet50(nn.Module):
    def __init__(self, se=True, classes=1000):
        super().__init__()
        layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
                  nn.MaxPool2d(3, 2, ceil_mode=True)]
        cin = 64
        for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
            for i in range(blocks):
                layers.append(Bottleneck(cin, width, stride if i == 0 else 1, se))
                cin = width * 4
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return torch.softmax(self.fc(torch.flatten(self.pool(self.features(x)), 1)), 1)


def main():
    out = sys.argv[1]
    se = '--no-se' not in sys.argv
    opset = int(sys.argv[sys.argv.index('--opset') + 1]) if '--opset' in sys.argv else 17
    torch.manual_seed(0)
    model = SEResNet50(se=se).eval()
    x = torch.randn(1, 3, 224, 224)
    torch.onnx.export(model, x, out, opset_version=opset, input_names=['input'], output_names=['output'],
                      dynamic_axes={'input': {0: 'N'}, 'output': {0: 'N'}}, do_constant_folding=True)


if __name__ == '__main__':
    main()
