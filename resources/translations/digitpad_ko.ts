<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <location filename="../../digitpad/ui/main_window.py" line="+103"/>
        <source>&amp;Open model…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Save model as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Reset to bundled model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Undo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Redo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Eraser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>S&amp;top</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Canvas</name>
    <message>
        <location filename="../../digitpad/ui/canvas.py" line="+39"/>
        <source>Drawing pad</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Draw a digit with the left mouse button, a pen or a finger.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+97"/>
        <source>Draw a digit here</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorMessages</name>
    <message>
        <location filename="../../digitpad/ui/messages.py" line="+20"/>
        <source>The dataset could not be loaded.</source>
        <translation>데이터셋을 불러올 수 없습니다.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model could not be opened.</source>
        <translation>모델 파일을 열 수 없습니다.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The image could not be read.</source>
        <translation>이미지를 읽을 수 없습니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Something went wrong.</source>
        <translation>문제가 발생했습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The file does not exist: {path}</source>
        <translation>파일이 없습니다: {path}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is a folder, not a file: {path}</source>
        <translation>파일이 아니라 폴더입니다: {path}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You do not have permission to read this file: {path}</source>
        <translation>이 파일을 읽을 권한이 없습니다: {path}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The file cannot be read: {path}</source>
        <translation>파일을 읽을 수 없습니다: {path}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The file is empty: {path}</source>
        <translation>빈 파일입니다: {path}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is not a Keras model (.keras file): {path}</source>
        <translation>Keras 모델(.keras 파일)이 아닙니다: {path}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This is an old HDF5 model; digitpad opens only .keras files. Save the model again as .keras: {path}</source>
        <translation>예전 HDF5 형식의 모델입니다. digitpad는 .keras 파일만 엽니다. 모델을 .keras 형식으로 다시 저장하세요: {path}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The file is damaged or truncated (only partly saved): {path}</source>
        <translation>파일이 손상되었거나 잘려 있습니다(일부만 저장됨): {path}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The model contains code (a Lambda layer) that digitpad refuses to run for safety: {path}</source>
        <translation>모델에 코드(Lambda 층)가 들어 있어 안전을 위해 digitpad가 실행하지 않습니다: {path}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keras could not load this model: {path}</source>
        <translation>Keras가 이 모델을 불러오지 못했습니다: {path}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model expects input of shape {detail}, but digitpad gives it 784 pixels (28×28): {path}</source>
        <translation>모델이 기대하는 입력 크기는 {detail}이지만 digitpad는 784개 픽셀(28×28)을 입력합니다: {path}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The model has output shape {detail}, but digitpad needs 10 classes (the digits 0 to 9): {path}</source>
        <translation>모델의 출력 크기는 {detail}이지만 digitpad에는 클래스 10개(숫자 0~9)가 필요합니다: {path}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The model uses something digitpad&apos;s fast predictor does not support ({detail}): {path}</source>
        <translation>모델이 digitpad의 빠른 예측기가 지원하지 않는 기능({detail})을 사용합니다: {path}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>MNIST was not found. Download mnist.npz (Keras&apos; layout) and open it with File &gt; Open dataset…, or set the environment variable DIGITPAD_MNIST to its path.</source>
        <translation>MNIST 데이터셋을 찾을 수 없습니다. mnist.npz(Keras 형식)를 내려받아 파일 &gt; 데이터셋 열기…로 열거나, 환경 변수 DIGITPAD_MNIST에 그 경로를 지정하세요.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This is not an MNIST file in Keras&apos; layout: {path}</source>
        <translation>Keras 형식의 MNIST 파일이 아닙니다: {path}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This is not a readable .npz file: {path}</source>
        <translation>읽을 수 있는 .npz 파일이 아닙니다: {path}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is not a readable image: {path}</source>
        <translation>읽을 수 있는 이미지 파일이 아닙니다: {path}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Details: {detail}</source>
        <translation>세부 정보: {detail}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../digitpad/ui/main_window.py" line="-59"/>
        <source>digitpad — draw a digit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+77"/>
        <source> %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Brush size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pen width, in percent of the drawing pad&apos;s width.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Brush</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>What the model sees (28×28)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+38"/>
        <source>&amp;Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Drawing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+29"/>
        <source>No model loaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model: training in progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model: {0} — test accuracy {1:.2%}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model: {0} — not evaluated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+18"/>
        <location line="+29"/>
        <location line="+25"/>
        <source>Cannot open model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-47"/>
        <source>The bundled model could not be loaded ({0}). Click Train.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Open model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+15"/>
        <source>Keras models (*.keras)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Save model as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Cannot save model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model saved to {0}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelController</name>
    <message>
        <location filename="../../digitpad/ui/model_controller.py" line="+81"/>
        <source>bundled model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+17"/>
        <source>trained in this session</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+43"/>
        <source>There is no model to save.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ModelInputView</name>
    <message>
        <location filename="../../digitpad/ui/model_input_view.py" line="+20"/>
        <source>What the model sees</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your drawing as the network receives it: cropped, scaled to 20 pixels, centred in 28 by 28 pixels, 784 numbers between 0 and 1.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProbabilityChart</name>
    <message>
        <location filename="../../digitpad/ui/probability_chart.py" line="+24"/>
        <source>Probability of each digit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Nothing drawn yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>The model reads {0} ({1}% sure).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+35"/>
        <location line="+10"/>
        <source>Prediction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-4"/>
        <source>Draw a digit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{0}% sure</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainPanel</name>
    <message>
        <location filename="../../digitpad/ui/train_panel.py" line="+79"/>
        <location line="+19"/>
        <source>Epochs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-18"/>
        <source>How many times the network sees all training images.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+17"/>
        <source>Batch size</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-16"/>
        <source>How many images the network sees per weight update.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Train</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train a new network from scratch (Ctrl+T).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop after the current batch (Ctrl+.).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Training progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Not training</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click Train to train a new network on MNIST.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Training status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Training was stopped early. The canvas already uses the partially trained weights: keep them, or go back to the model you had before training.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keep partially trained weights</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restore previous model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Training log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The training log appears here, as Keras prints it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Train the network</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Training is already running; press Stop first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Preparing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Stopping after the current batch…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Kept the partially trained weights.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Restored the model you had before training.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Loading MNIST…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting TensorFlow (a few seconds the first time)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluating on the 10,000 test images…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Evaluating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Epoch {0}/{1} — step {2}/{3}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+25"/>
        <source>The loss stopped being a number; the previous model is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training diverged; the previous model is back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stopped after {0} complete epoch(s).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Stopped. The canvas now uses the partially trained weights.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stopped before training began.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Done: test accuracy {0:.2%}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrainingCurves</name>
    <message>
        <location filename="../../digitpad/ui/training_curves.py" line="+20"/>
        <source>Loss and accuracy curves</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+13"/>
        <source>loss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-12"/>
        <location line="+15"/>
        <source>accuracy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location line="-6"/>
        <source>epoch</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
