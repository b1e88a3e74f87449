"""backprop_lib: the small numpy package behind the backprop-notebooks series.

One idea per module:
    activations  sigmoid, tanh, relu, softmax, identity and their derivatives
    losses       mse, cross-entropy, binary cross-entropy and their gradients
    network      a fully connected network: forward, backward, step, fit
    gradcheck    numerical gradients and the relative error
    datasets     the exam-score data, iris, one-hot encoding
    mnist        the MNIST loader (local files, cache, verified download)
    plots        training curves, decision regions, network drawings, digit grids,
                 computational graphs of Values (draw_graph)
    widgets      a learning-rate slider in front of a training function (param_slider: any number)
    selfcheck    one-line checks for the exercises
    autograd     Value: a scalar autograd engine (reverse-mode automatic differentiation)
    style        the series' matplotlib look; set_style() (projector mode for a classroom)
    rnn          a tanh RNN: rnn_forward, rnn_backward (BPTT; sliding-window and chunked
                 truncation), clipping, fit (a tanh or a GRU cell)
    gated        a gated recurrent unit (GRU): step and sequence forward/backward
    layers       layers as forward/backward pairs with a cache (affine, relu, batchnorm,
                 dropout, softmax cross-entropy) and the layer objects that wrap them
    optim        optimisers with step(params, grads): SGD, Momentum, RMSProp, Adam
    model        Model: layers stacked and trained with an optimiser; mlp() builds one
    conv         convolution and pooling: loops, im2col/col2im, Conv2D, MaxPool2D, AvgPool2D
"""

from .activations import (
    bipolar_sigmoid,
    bipolar_sigmoid_prime,
    identity,
    identity_prime,
    relu,
    relu_prime,
    sigmoid,
    sigmoid_prime,
    sigmoid_prime_from_a,
    softmax,
    softmax_backward,
    softmax_jacobian,
    tanh,
    tanh_prime,
)
from .autograd import Value
from .conv import (
    AvgPool2D,
    Conv2D,
    MaxPool2D,
    col2im,
    conv2d_backward,
    conv2d_forward,
    conv_output_size,
    im2col,
    maxpool_backward,
    maxpool_forward,
)
from .datasets import ExamData, load_exam, load_iris_data, one_hot
from .gated import gru_backward, gru_forward, gru_step_backward, gru_step_forward
from .gradcheck import (
    gradient_check,
    network_numerical_gradients,
    numerical_gradient,
    relative_error,
)
from .layers import (
    BatchNorm,
    Dropout,
    Flatten,
    Layer,
    Linear,
    ReLU,
    Sigmoid,
    Tanh,
    batchnorm_backward,
    batchnorm_forward,
    dropout_backward,
    dropout_forward,
    softmax_cross_entropy,
)
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    cross_entropy,
    cross_entropy_grad,
    mse,
    mse_grad,
)
from .mnist import MNISTNotFoundError, load_mnist
from .model import Model, mlp
from .network import History, Network, TrainingDivergedWarning
from .optim import SGD, Adam, Momentum, RMSProp
from .plots import (
    draw_graph,
    draw_network,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_history,
    plot_images,
)
from .rnn import RNN, clip_by_global_norm, rnn_backward, rnn_forward, spectral_radius
from .selfcheck import check, check_exercise
from .style import fits_page, set_style
from .widgets import lr_slider, param_slider

__version__ = "0.1.0"
