<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko_KR" sourcelanguage="en">
<context>
    <name>ActivationStrip</name>
    <message>
        <location filename="../../digitpad/ui/teach/network/tiles.py" line="+281"/>
        <source>Hidden activations appear when you draw.</source>
        <translation>숫자를 그리면 은닉 유닛의 활성화 값이 나타납니다.</translation>
    </message>
</context>
<context>
    <name>Canvas</name>
    <message>
        <location filename="../../digitpad/ui/widgets/canvas.py" line="+90"/>
        <source>Drawing pad</source>
        <translation>그림판</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Draw a digit with the left mouse button, a pen or a finger.</source>
        <translation>마우스 왼쪽 버튼, 펜 또는 손가락으로 숫자를 그리세요.</translation>
    </message>
    <message>
        <location line="+208"/>
        <source>Draw a digit here</source>
        <translation>여기에 숫자를 그리세요</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Write a number here</source>
        <translation>여기에 숫자를 여러 개 쓰세요</translation>
    </message>
</context>
<context>
    <name>ClassWall</name>
    <message>
        <location filename="../../digitpad/ui/teach/class_wall.py" line="+301"/>
        <location line="+157"/>
        <source>No class session is running.</source>
        <translation>진행 중인 수업 세션이 없습니다.</translation>
    </message>
    <message>
        <location line="-156"/>
        <source>Start a class session</source>
        <translation>수업 세션 시작</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show join card</source>
        <translation>참여 카드 보기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>End the session</source>
        <translation>세션 끝내기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pause intake</source>
        <translation>그림 받기 잠시 멈춤</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Phones cannot send while intake is paused.</source>
        <translation>멈춘 동안에는 휴대폰에서 그림을 보낼 수 없습니다.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approve before showing</source>
        <translation>승인한 그림만 보이기</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>New drawings wait for your approval before the wall shows them.</source>
        <translation>새 그림은 승인해야 화면에 나타납니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Free drawing</source>
        <translation>자유 그리기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Everyone draws a</source>
        <translation>모두 같은 숫자 그리기:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Challenge: will it read you?</source>
        <translation>도전: 신경망이 읽어 낼까?</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Start round</source>
        <translation>라운드 시작</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Approve</source>
        <translation>승인</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+6"/>
        <location line="+511"/>
        <source>Hide</source>
        <translation>숨기기</translation>
    </message>
    <message>
        <location line="-516"/>
        <source>Approve all</source>
        <translation>모두 승인</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The room&apos;s drawings, newest first</source>
        <translation>방의 그림 (최신순)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show hidden drawings</source>
        <translation>숨긴 그림 보기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show all drawings</source>
        <translation>모든 그림 보기</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+509"/>
        <source>Put on the pad</source>
        <translation>그림판에 올리기</translation>
    </message>
    <message>
        <location line="-507"/>
        <location line="+512"/>
        <source>Show again</source>
        <translation>다시 보이기</translation>
    </message>
    <message>
        <location line="-511"/>
        <location line="+485"/>
        <location line="+28"/>
        <location line="+11"/>
        <source>Remove this participant</source>
        <translation>이 참여자 내보내기</translation>
    </message>
    <message>
        <location line="-523"/>
        <source>Digits by what was meant:</source>
        <translation>그리려던 숫자별 개수:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Who</source>
        <translation>참여자</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sent</source>
        <translation>보냄</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Read right</source>
        <translation>맞게 읽음</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Rows: the digit meant; columns: what the network read. Click a cell to see those drawings.</source>
        <translation>행: 그리려던 숫자, 열: 신경망이 읽은 숫자. 칸을 클릭하면 해당 그림을 볼 수 있습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Fine-tune on the room&apos;s digits</source>
        <translation>방의 숫자로 미세 조정</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Keep the fine-tuned network</source>
        <translation>미세 조정한 신경망 쓰기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Discard it</source>
        <translation>버리기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export npz…</source>
        <translation>npz로 내보내기…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export PNGs…</source>
        <translation>PNG로 내보내기…</translation>
    </message>
    <message>
        <location line="+125"/>
        <source>The session has ended: its digits stay here until a new one starts.</source>
        <translation>세션이 끝났습니다. 새 세션을 시작하기 전까지 숫자는 여기에 남아 있습니다.</translation>
    </message>
    <message>
        <location line="+89"/>
        <source>Drawing {0}: meant {1}, read {2}</source>
        <translation>그림 {0}: 그리려던 숫자 {1}, 읽은 숫자 {2}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Participant {0}</source>
        <translation>참여자 {0}</translation>
    </message>
    <message>
        <location line="+69"/>
        <source>Waiting for approval ({0})</source>
        <translation>승인 대기 중 ({0})</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>No digits from this room yet.</source>
        <translation>이 방에서 받은 숫자가 아직 없습니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This network read {0} of this room&apos;s {1} digits.</source>
        <translation>이 신경망은 이 방의 숫자 {1}개 중 {0}를 맞게 읽었습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>This network read {0} of this room&apos;s {1} digits; {2} of MNIST.</source>
        <translation>이 신경망은 이 방의 숫자 {1}개 중 {0}, MNIST는 {2}를 맞게 읽었습니다.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>everyone draws a {0}</source>
        <translation>모두 {0} 그리기</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>challenge: will it read you?</source>
        <translation>도전: 신경망이 읽어 낼까?</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>free drawing</source>
        <translation>자유 그리기</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Round {0} ({1}): {2} of {3} read right</source>
        <translation>{0}라운드 ({1}): {3}개 중 {2}개 맞게 읽음</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Round {0} ({1}): no digits yet</source>
        <translation>{0}라운드 ({1}): 아직 숫자 없음</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Intake paused: phones cannot send.</source>
        <translation>그림 받기 멈춤: 휴대폰에서 보낼 수 없습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Participants ({0})</source>
        <translation>참여자 ({0})</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>{0} (removed)</source>
        <translation>{0} (내보냄)</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>Removed {0}: their drawings are hidden.</source>
        <translation>{0} 님을 내보냈습니다. 그 그림은 숨겼습니다.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Showing the {0}s read as {1}.</source>
        <translation>{0}을(를) {1}(으)로 읽은 그림만 표시합니다.</translation>
    </message>
    <message>
        <location line="+48"/>
        <source>Remove {0} from the session? Their drawings are hidden and their page stops.</source>
        <translation>{0} 님을 세션에서 내보낼까요? 그 그림은 숨겨지고 참여 페이지는 멈춥니다.</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Export the room&apos;s digits</source>
        <translation>방의 숫자 내보내기</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>NumPy archive (*.npz)</source>
        <translation>NumPy 아카이브 (*.npz)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Export the room&apos;s digits as PNGs</source>
        <translation>방의 숫자를 PNG로 내보내기</translation>
    </message>
    <message>
        <location line="+20"/>
        <source>Could not save to {0}: {1}</source>
        <translation>{0}에 저장하지 못했습니다: {1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Saved {0} digits to {1}.</source>
        <translation>숫자 {0}개를 {1}에 저장했습니다.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>No room digits to fine-tune on yet.</source>
        <translation>미세 조정에 쓸 방의 숫자가 아직 없습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Fine-tuning…</source>
        <translation>미세 조정 중…</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Fine-tuned on {0} room digits. At least 4 of a digit are needed to measure it.</source>
        <translation>방의 숫자 {0}개로 미세 조정했습니다. 정확도를 재려면 한 숫자당 4개 이상 필요합니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Held-back room digits: {0} before → {1} after ({2} trained on, {3} held back).</source>
        <translation>따로 떼어 둔 방의 숫자 정확도: 이전 {0} → 이후 {1} (훈련에 {2}개, 검증용으로 {3}개 사용).</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Discarded: the network is unchanged.</source>
        <translation>버렸습니다: 신경망은 그대로입니다.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Fine-tuning failed: {0}</source>
        <translation>미세 조정 실패: {0}</translation>
    </message>
</context>
<context>
    <name>Comparison</name>
    <message>
        <location filename="../../digitpad/ui/shell/comparison.py" line="+108"/>
        <source>Compare &amp;side by side</source>
        <translation>나란히 비교(&amp;S)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A second network reads the same drawing ({0})</source>
        <translation>두 번째 신경망이 같은 그림을 읽습니다 ({0})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Compare &amp;with</source>
        <translation>비교할 신경망(&amp;W)</translation>
    </message>
</context>
<context>
    <name>ConfusionMatrix</name>
    <message>
        <location filename="../../digitpad/ui/teach/evaluation_view.py" line="+83"/>
        <source>predicted</source>
        <translation>예측값</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>true digit</source>
        <translation>실제 숫자(타깃)</translation>
    </message>
</context>
<context>
    <name>ConnectionsPanel</name>
    <message>
        <location filename="../../digitpad/ui/teach/network/connections.py" line="+357"/>
        <source>Which units push which digit</source>
        <translation>어떤 유닛이 어떤 숫자를 미는가</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Show the units that push {0} up and down</source>
        <translation>{0}의 점수를 올리고 내리는 유닛 보기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click a tile to see its unit close up</source>
        <translation>타일을 클릭하면 그 유닛을 크게 봅니다</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Each hidden unit pushes a digit&apos;s score by its output × its weight to that digit. Draw a digit to see which units push it most.</source>
        <translation>은닉 유닛마다 숫자의 점수를 (자기 출력 × 그 숫자로 가는 가중치)만큼 밉니다. 숫자를 그리면 어떤 유닛이 가장 세게 미는지 보입니다.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Push {0} up most</source>
        <translation>{0}의 점수를 가장 많이 올림</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Push {0} down most</source>
        <translation>{0}의 점수를 가장 많이 내림</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The {1} pushes (each unit&apos;s output × its weight to {0}) add up to {2}; + bias {3} = score {4} for {0}. Softmax over the ten scores → {5}.</source>
        <translation>{1}개 유닛이 미는 값(각 유닛의 출력 × {0}(으)로 가는 가중치)을 더하면 {2}; + 편향 {3} = {0}의 점수 {4}. 열 개의 점수에 소프트맥스 → {5}.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The highest score is {0}&apos;s: it reads {0}.</source>
        <translation>가장 높은 점수는 {0}의 점수: {0}(으)로 읽습니다.</translation>
    </message>
</context>
<context>
    <name>DigitCard</name>
    <message>
        <location filename="../../digitpad/ui/teach/evaluation_view.py" line="+63"/>
        <source>#{0} → {1}</source>
        <translation>#{0} → {1}</translation>
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
        <location line="+1"/>
        <source>Your digits (My digits) could not be read or saved.</source>
        <translation>내 숫자를 읽거나 저장할 수 없습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
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
        <source>This is a pipe, device or socket, not a file: {path}</source>
        <translation>파일이 아니라 파이프, 장치 또는 소켓입니다: {path}</translation>
    </message>
    <message>
        <location line="+3"/>
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
        <source>The path is too long for this file system ({detail}): {path}</source>
        <translation>경로가 이 파일 시스템이 허용하는 길이보다 깁니다({detail}): {path}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The file is empty: {path}</source>
        <translation>빈 파일입니다: {path}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The image is too large to read safely ({detail}): {path}</source>
        <translation>이미지가 너무 커서 안전하게 읽을 수 없습니다({detail}): {path}</translation>
    </message>
    <message>
        <location line="+3"/>
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
        <source>The file would unpack to far more than it can need, so digitpad did not open it (a zip bomb?): {path}</source>
        <translation>압축을 풀면 필요한 크기보다 훨씬 커지는 파일이라 digitpad가 열지 않았습니다(압축 폭탄일 수 있습니다): {path}</translation>
    </message>
    <message>
        <location line="+5"/>
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
        <source>MNIST was not found. Download mnist.npz (Keras&apos; layout) and open it with Model &gt; Open dataset…, or set the environment variable DIGITPAD_MNIST to its path.</source>
        <translation>MNIST 데이터셋을 찾을 수 없습니다. mnist.npz(Keras 형식)를 내려받아 모델 &gt; 데이터셋 열기…로 열거나, 환경 변수 DIGITPAD_MNIST에 그 경로를 지정하세요.</translation>
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
        <location line="+1"/>
        <source>This is not a valid download address ({detail}): {path}</source>
        <translation>올바른 내려받기 주소가 아닙니다({detail}): {path}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Downloading from {path} failed: {detail}</source>
        <translation>{path}에서 내려받지 못했습니다: {detail}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The download was stopped; nothing was kept.</source>
        <translation>내려받기를 중지했습니다. 아무것도 남기지 않았습니다.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>MNIST is not on this computer yet: download it below (11 MB), or open your copy of mnist.npz with Open dataset….</source>
        <translation>이 컴퓨터에는 아직 MNIST가 없습니다. 아래에서 내려받거나(11 MB), 가지고 있는 mnist.npz를 데이터셋 열기…로 여세요.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>MNIST is not on this computer and it is offline: copy mnist.npz (Keras&apos; layout) here and open it with Open dataset…, or set DIGITPAD_MNIST to its path.</source>
        <translation>이 컴퓨터에는 MNIST가 없고 오프라인입니다. mnist.npz(Keras 형식)를 복사해 와서 데이터셋 열기…로 열거나, DIGITPAD_MNIST에 그 경로를 지정하세요.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Details: {detail}</source>
        <translation>세부 정보: {detail}</translation>
    </message>
</context>
<context>
    <name>EvaluationPage</name>
    <message>
        <location filename="../../digitpad/ui/teach/evaluation_page.py" line="+64"/>
        <source>Test set: MNIST</source>
        <translation>테스트 세트: MNIST</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Test set: this room&apos;s digits</source>
        <translation>테스트 세트: 이 방의 숫자</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>The room has sent no labelled digits yet.</source>
        <translation>아직 방에서 보낸, 숫자가 정해진 그림이 없습니다.</translation>
    </message>
    <message>
        <location line="+73"/>
        <source>Evaluating needs the MNIST test set.</source>
        <translation>평가하려면 MNIST 테스트 세트가 필요합니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluating the model on the room&apos;s digits…</source>
        <translation>이 방의 숫자로 모델을 평가하는 중…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Evaluating the model on the 10,000 MNIST test images…</source>
        <translation>MNIST 테스트 이미지 10,000개로 모델을 평가하는 중…</translation>
    </message>
</context>
<context>
    <name>EvaluationView</name>
    <message>
        <location filename="../../digitpad/ui/teach/evaluation_view.py" line="+108"/>
        <source>Browse test digits</source>
        <translation>테스트 숫자 둘러보기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Selected cell</source>
        <translation>선택한 칸</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Click a cell of the matrix to see its test images.</source>
        <translation>행렬의 칸을 클릭하면 해당 테스트 이미지를 볼 수 있습니다.</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Test accuracy: {0} ({1} of {2} test images)</source>
        <translation>테스트 정확도: {0} (테스트 이미지 {2}개 중 {1}개)</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>label {0} · network reads {1} ({2}) · {3}</source>
        <translation>레이블 {0} · 신경망의 예측값 {1} ({2}) · {3}</translation>
    </message>
    <message>
        <location line="+32"/>
        <source>True {0} read as {1}: {2} test images{3}</source>
        <translation>실제 {0}을(를) {1}(으)로 예측: 테스트 이미지 {2}개{3}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source> (first {0} shown)</source>
        <translation> (처음 {0}개 표시)</translation>
    </message>
    <message>
        <location line="-134"/>
        <source>test image </source>
        <translation>테스트 이미지 </translation>
    </message>
    <message>
        <location line="+96"/>
        <source>right</source>
        <translation>정답</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>wrong</source>
        <translation>오답</translation>
    </message>
</context>
<context>
    <name>ExemplarStrip</name>
    <message>
        <location filename="../../digitpad/ui/teach/network/exemplars.py" line="+313"/>
        <source>The digits that excite it most cannot be shown.</source>
        <translation>가장 강하게 활성화하는 숫자를 보여 줄 수 없습니다.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The digits that excite it most are found when the training ends.</source>
        <translation>가장 강하게 활성화하는 숫자는 학습이 끝난 뒤에 찾습니다.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Finding the digits that excite it most… {0} %</source>
        <translation>가장 강하게 활성화하는 숫자를 찾는 중… {0} %</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>What excites it most in {0} MNIST test digits</source>
        <translation>MNIST 테스트 숫자 {0}개 중 가장 강하게 활성화하는 것</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>What excites it most in {0} digits from the held-out pen writers: MNIST is not on this machine</source>
        <translation>학습에 쓰지 않은 펜 필기자의 숫자 {0}개 중 가장 강하게 활성화하는 것: 이 컴퓨터에는 MNIST가 없습니다</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>None of these digits makes it fire: it stays at 0.</source>
        <translation>이 숫자들 중 어느 것도 활성화하지 못합니다: 계속 0입니다.</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Under each digit, the map&apos;s strongest value; outlined, the {0}×{1} input pixels it sees there.</source>
        <translation>숫자 아래: 이 맵의 가장 큰 값. 테두리: 그 위치에서 보는 {0}×{1} 입력 픽셀.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Under each digit, the unit&apos;s output for it.</source>
        <translation>숫자 아래: 그 숫자에 대한 이 유닛의 출력.</translation>
    </message>
</context>
<context>
    <name>ExplanationLegend</name>
    <message>
        <location filename="../../digitpad/ui/widgets/explanation.py" line="+76"/>
        <source>Colour legend</source>
        <translation>색 범례</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>against {0}</source>
        <translation>{0}에 반대</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+3"/>
        <location line="+1"/>
        <source>for {0}</source>
        <translation>{0} 쪽으로</translation>
    </message>
</context>
<context>
    <name>Exporter</name>
    <message>
        <location filename="../../digitpad/ui/shell/export.py" line="+182"/>
        <source>Export drawing and probabilities as PNG…</source>
        <translation>그림과 확률을 PNG로 내보내기…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Export training log, curves CSV and chart…</source>
        <translation>훈련 로그, 곡선 CSV, 차트 내보내기…</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Export drawing</source>
        <translation>그림 내보내기</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>PNG images (*.png)</source>
        <translation>PNG 이미지 (*.png)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>The network reads {0}</source>
        <translation>신경망이 읽은 수: {0}</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>The network reads {0} ({1:.0%})</source>
        <translation>신경망의 예측값: {0} ({1:.0%})</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export training</source>
        <translation>훈련 내보내기</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 파일 (*.csv)</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Export failed</source>
        <translation>내보내기 실패</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Exported {0}</source>
        <translation>내보냈습니다: {0}</translation>
    </message>
</context>
<context>
    <name>FeatureMapView</name>
    <message>
        <location filename="../../digitpad/ui/teach/network/feature_map.py" line="+252"/>
        <source>Close the close-up</source>
        <translation>크게 보기 닫기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Point at the map to see how its value there is made</source>
        <translation>맵 위를 가리키면 그 자리의 값이 어떻게 만들어지는지 보입니다</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>{0}: map {1} of {2}</source>
        <translation>{0}: 맵 {2}개 중 {1}번</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Draw a digit to see this map follow the pen.</source>
        <translation>숫자를 그리면 이 맵이 펜을 따라 바뀝니다.</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Input patch at row {0}, column {1}</source>
        <translation>{0}행 {1}열의 입력 조각</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Patch of input map {0} (it adds most here)</source>
        <translation>입력 맵 {0}의 조각(여기서 가장 많이 더함)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>strongest {0}</source>
        <translation>가장 강한 값 {0}</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Without this map: {0} falls from {1} to {2}, {3} rises from {4} to {5}.</source>
        <translation>이 맵이 없으면: {0}의 확률이 {1}에서 {2}로 떨어지고, {3}의 확률이 {4}에서 {5}로 오릅니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Without this map: {0} falls from {1} to {2}.</source>
        <translation>이 맵이 없으면: {0}의 확률이 {1}에서 {2}로 떨어집니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Without this map: {0} rises from {1} to {2}.</source>
        <translation>이 맵이 없으면: {0}의 확률이 {1}에서 {2}로 오릅니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Without this map no probability moves by 0.01 percentage points: {0} stays at {1}.</source>
        <translation>이 맵이 없어도 0.01%p 넘게 움직이는 확률은 없습니다: {0}의 확률은 {1} 그대로입니다.</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Through the layers above it adds to the scores: most to {0}; least to {1}.</source>
        <translation>위의 층들을 거쳐 점수에 더하는 값: 가장 큰 쪽 {0}, 가장 작은 쪽 {1}.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Through the layers above it adds to the scores before the {0}: most to {1}; least to {2}.</source>
        <translation>위의 층들을 거쳐 {0} 전의 점수에 더하는 값: 가장 큰 쪽 {1}, 가장 작은 쪽 {2}.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Kernel (learnt weights)</source>
        <translation>커널(학습된 가중치)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Kernel for input map {0} (one of {1})</source>
        <translation>입력 맵 {0}의 커널({1}개 중 하나)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>At row {0}, column {1}:</source>
        <translation>{0}행 {1}열에서:</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>patch × kernel, the 9 products added: {0}</source>
        <translation>조각 × 커널, 곱 9개를 더하면: {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>patch × kernel added over all {0} input maps: {1} (input map {2} gives {3})</source>
        <translation>입력 맵 {0}개 모두의 조각 × 커널을 더하면: {1}(입력 맵 {2}의 몫은 {3})</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>+ bias {0} = {1};  {2}({1}) = {3}, the map&apos;s value there</source>
        <translation>+ 편향 {0} = {1};  {2}({1}) = {3}, 그 자리의 맵 값</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>relu keeps what is positive and makes the rest 0.</source>
        <translation>relu는 양수는 그대로 두고 나머지는 0으로 만듭니다.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Max pooling then keeps the largest of each {0} block: {1} here.</source>
        <translation>그다음 최대 풀링이 {0} 블록마다 가장 큰 값을 남깁니다: 여기서는 {1}.</translation>
    </message>
</context>
<context>
    <name>GetMnist</name>
    <message>
        <location filename="../../digitpad/ui/training/get_mnist.py" line="+55"/>
        <source>Open dataset…</source>
        <translation>데이터셋 열기…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose an mnist.npz file (Keras&apos; layout).</source>
        <translation>mnist.npz 파일(Keras 형식)을 고르세요.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Download MNIST (11 MB)</source>
        <translation>MNIST 내려받기 (11 MB)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This machine is offline: copy mnist.npz here and open it.</source>
        <translation>이 컴퓨터는 오프라인입니다. mnist.npz를 복사해 와서 여세요.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>From {0}, into {1}</source>
        <translation>{0}에서 {1}(으)로</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>MNIST was not downloaded.</source>
        <translation>MNIST를 내려받지 못했습니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Download stopped; nothing was kept.</source>
        <translation>내려받기를 중지했습니다. 아무것도 남기지 않았습니다.</translation>
    </message>
</context>
<context>
    <name>JoinCard</name>
    <message>
        <location filename="../../digitpad/ui/teach/join_card.py" line="+198"/>
        <source>Local demo (this computer only)</source>
        <translation>로컬 데모 (이 컴퓨터만)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>QR code of the session&apos;s address</source>
        <translation>세션 주소의 QR 코드</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>Room {0}</source>
        <translation>방 {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>No network address found: phones cannot reach this computer.</source>
        <translation>네트워크 주소를 찾지 못했습니다. 휴대폰에서 이 컴퓨터에 접속할 수 없습니다.</translation>
    </message>
</context>
<context>
    <name>LayerStack</name>
    <message>
        <location filename="../../digitpad/ui/teach/network/card.py" line="+43"/>
        <source>{0} weights</source>
        <translation>가중치 {0}개</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>passes all at reading</source>
        <translation>읽을 때는 모두 통과</translation>
    </message>
    <message>
        <location filename="../../digitpad/ui/teach/network/input.py" line="+15"/>
        <source>input</source>
        <translation>입력</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>784 pixels</source>
        <translation>픽셀 784개</translation>
    </message>
    <message>
        <location filename="../../digitpad/ui/teach/network/pooling.py" line="+19"/>
        <source>max of each {0}</source>
        <translation>{0}마다 최댓값</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../digitpad/ui/shell/main_window.py" line="+514"/>
        <source> %</source>
        <translation> %</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Brush size</source>
        <translation>브러시 크기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pen width, in percent of the drawing pad&apos;s width.</source>
        <translation>펜 굵기(그림판 너비에 대한 백분율).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Brush</source>
        <translation>브러시</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What the model sees (28×28)</source>
        <translation>모델이 보는 입력 (28×28)</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>&amp;Model</source>
        <translation>모델(&amp;M)</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>Draw a digit — digitpad</source>
        <translation>숫자를 그려 보세요 — digitpad</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&amp;Open model…</source>
        <translation>모델 열기(&amp;O)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open &amp;dataset…</source>
        <translation>데이터셋 열기(&amp;D)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Save model as…</source>
        <translation>다른 이름으로 모델 저장(&amp;S)…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Reset to bundled model</source>
        <translation>기본 제공 모델로 되돌리기(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Undo</source>
        <translation>실행 취소(&amp;U)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Redo</source>
        <translation>다시 실행(&amp;R)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Clear</source>
        <translation>모두 지우기(&amp;C)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Eraser</source>
        <translation>지우개(&amp;E)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Train</source>
        <translation>훈련(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>S&amp;top</source>
        <translation>중지(&amp;S)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&amp;Drawing</source>
        <translation>그리기(&amp;D)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Training</source>
        <translation>훈련(&amp;T)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>&amp;Language</source>
        <translation>언어/Language(&amp;L)</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Esc: clear
Ctrl+Z: undo
Ctrl+Shift+Z: redo
E: eraser
Ctrl+T: train
Ctrl+.: stop</source>
        <translation>Esc: 모두 지우기
Ctrl+Z: 실행 취소
Ctrl+Shift+Z: 다시 실행
E: 지우개
Ctrl+T: 훈련
Ctrl+.: 중지</translation>
    </message>
    <message>
        <location line="+113"/>
        <source>No model loaded</source>
        <translation>불러온 모델 없음</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model: training in progress</source>
        <translation>모델: 훈련 중</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Model: {0} — test accuracy {1:.2%}</source>
        <translation>모델: {0} — 테스트 정확도 {1:.2%}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model: {0} — not evaluated</source>
        <translation>모델: {0} — 평가 안 됨</translation>
    </message>
    <message>
        <location line="+24"/>
        <location line="+53"/>
        <location line="+66"/>
        <source>Cannot open model</source>
        <translation>모델을 열 수 없음</translation>
    </message>
    <message>
        <location line="-105"/>
        <source>The bundled model could not be loaded ({0}). Click Train.</source>
        <translation>기본 제공 모델을 불러오지 못했습니다({0}). 훈련을 누르세요.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Open model</source>
        <translation>모델 열기</translation>
    </message>
    <message>
        <location line="+0"/>
        <location line="+58"/>
        <source>Keras models (*.keras)</source>
        <translation>Keras 모델 (*.keras)</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>Open dataset</source>
        <translation>데이터셋 열기</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>MNIST in Keras&apos; layout (*.npz);;All files (*)</source>
        <translation>Keras 형식의 MNIST (*.npz);;모든 파일 (*)</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Checking the dataset {0}…</source>
        <translation>데이터셋을 확인하는 중: {0}…</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Cannot open dataset</source>
        <translation>데이터셋을 열 수 없음</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Training will use the dataset {0}</source>
        <translation>훈련에 이 데이터셋을 사용합니다: {0}</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Save model as</source>
        <translation>다른 이름으로 모델 저장</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The model could not be saved.</source>
        <translation>모델을 저장할 수 없습니다.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cannot save model</source>
        <translation>모델을 저장할 수 없음</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Model saved to {0}</source>
        <translation>모델을 저장했습니다: {0}</translation>
    </message>
</context>
<context>
    <name>ModelController</name>
    <message>
        <location filename="../../digitpad/ui/shell/model_controller.py" line="+180"/>
        <source>bundled model</source>
        <translation>기본 제공 모델</translation>
    </message>
    <message>
        <location line="+128"/>
        <source>bundled model, trained with augmentation</source>
        <translation>기본 제공 모델(데이터 증식으로 훈련)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>bundled robust model (small CNN)</source>
        <translation>기본 제공 견고한 모델(작은 CNN)</translation>
    </message>
    <message>
        <location line="-102"/>
        <source>trained in this session</source>
        <translation>이번 세션에서 훈련함</translation>
    </message>
    <message>
        <location line="+66"/>
        <source>There is no model to save.</source>
        <translation>저장할 모델이 없습니다.</translation>
    </message>
    <message>
        <location filename="../../digitpad/ui/shell/teach_wiring.py" line="+194"/>
        <source>fine-tuned on your digits</source>
        <translation>내 숫자로 미세 조정함</translation>
    </message>
</context>
<context>
    <name>ModelInputView</name>
    <message>
        <location filename="../../digitpad/ui/widgets/model_input_view.py" line="+49"/>
        <source>What the model sees</source>
        <translation>모델이 보는 입력</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Your drawing as the network receives it: cropped, scaled to 20 pixels, centred in 28 by 28 pixels, 784 numbers between 0 and 1.</source>
        <translation>신경망이 받는 모양 그대로의 그림입니다: 잉크 부분만 잘라 20픽셀로 줄이고 28×28픽셀 가운데에 놓은, 0과 1 사이의 숫자 784개.</translation>
    </message>
</context>
<context>
    <name>NetworkView</name>
    <message>
        <location filename="../../digitpad/ui/teach/network_view.py" line="+427"/>
        <source>Each tile is one hidden unit&apos;s 784 weights drawn as a 28×28 image (red: ink here excites it, blue: ink here inhibits it). Draw a digit to sort them by how strongly they fire.</source>
        <translation>각 타일은 은닉 유닛 하나의 가중치 784개를 28×28 이미지로 그린 것입니다(빨강: 이곳의 잉크가 유닛을 활성화함, 파랑: 억제함). 숫자를 그리면 얼마나 강하게 활성화되는지에 따라 정렬됩니다.</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>Weights</source>
        <translation>가중치</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Forward pass</source>
        <translation>순전파</translation>
    </message>
    <message>
        <location line="-35"/>
        <source>Sorted by how strongly each unit fires for your drawing: {0} of {1} units fire (outlined); the strip below shows their activations.</source>
        <translation>그린 숫자에 각 유닛이 얼마나 강하게 활성화되는지에 따라 정렬했습니다: 유닛 {1}개 중 {0}개가 활성화됨(테두리 표시). 아래 띠는 활성화 값을 보여 줍니다.</translation>
    </message>
    <message>
        <location line="-281"/>
        <source>Click a tile to see its unit close up</source>
        <translation>타일을 클릭하면 그 유닛을 크게 봅니다</translation>
    </message>
    <message>
        <location line="-46"/>
        <source>Click a feature map to see how it is made</source>
        <translation>특성 맵을 클릭하면 어떻게 만들어지는지 보입니다</translation>
    </message>
    <message>
        <location line="+278"/>
        <source>Why this digit? See what each of your pixels did ▸</source>
        <translation>왜 이 숫자일까? 픽셀 하나하나가 한 일을 보기 ▸</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Colour the 28×28 input and your drawing by each pixel&apos;s push (W)</source>
        <translation>28×28 입력과 그림을 각 픽셀이 민 방향으로 색칠합니다 (W)</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Every layer of this network, left to right. Draw a digit to see each layer&apos;s output; click a feature map to see how it is made.</source>
        <translation>이 신경망의 모든 층을 왼쪽에서 오른쪽으로 보여 줍니다. 숫자를 그리면 층마다 출력이 보이고, 특성 맵을 클릭하면 어떻게 만들어지는지 보입니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Every layer of this network for your drawing, left to right: white is a strong output, black none. Click a feature map (or Tab to the layers, then the arrow keys and Enter) to see how it is made.</source>
        <translation>그린 숫자에 대한 이 신경망의 모든 층(왼쪽에서 오른쪽): 흰색은 강한 출력, 검은색은 출력 없음. 특성 맵을 클릭하면(또는 Tab으로 층에 간 뒤 화살표 키와 Enter) 어떻게 만들어지는지 보입니다.</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>784 pixels → relu(x·W1 + b1): {0} numbers → softmax(h·W2 + b2): 10 probabilities that sum to 1</source>
        <translation>픽셀 784개 → relu(x·W1 + b1): 숫자 {0}개 → softmax(h·W2 + b2): 합이 1인 확률 10개</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>784 pixels → {0} → 10 probabilities that sum to 1</source>
        <translation>픽셀 784개 → {0} → 합이 1인 확률 10개</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>{0} parameters in all</source>
        <translation>파라미터 총 {0}개</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Now: {0} of {3} hidden units fire; the output says {1} ({2}).</source>
        <translation>지금: 은닉 유닛 {3}개 중 {0}개가 활성화되었고, 출력(예측값)은 {1} ({2})입니다.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>If {0} is right, the loss is −log {1} = {2}.</source>
        <translation>정답(타깃)이 {0}이라면 손실은 −log {1} = {2}입니다.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Loss</source>
        <translation>손실</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>sparse categorical cross-entropy: −log(probability of the true digit)</source>
        <translation>손실 함수 sparse categorical cross-entropy: −log(정답 숫자의 확률)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Optimizer</source>
        <translation>옵티마이저</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>This model&apos;s card does not say how it was trained.</source>
        <translation>이 모델의 카드에는 어떻게 훈련했는지 적혀 있지 않습니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0}: every step nudges all weights against the gradient of the loss</source>
        <translation>{0}: 스텝마다 모든 가중치를 손실의 그레이디언트 반대 방향으로 조금씩 옮깁니다</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0}, the learning rate rising to {1} and falling to zero over the training: every step nudges all weights against the gradient of the loss</source>
        <translation>{0}, 학습률은 {1}까지 올랐다가 학습이 끝날 때 0으로 내려갑니다: 스텝마다 모든 가중치를 손실의 그레이디언트 반대 방향으로 조금씩 옮깁니다(경사하강법)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0}, learning rate {1}: every step nudges all weights against the gradient of the loss</source>
        <translation>{0}, 학습률 {1}: 스텝마다 모든 가중치를 손실의 그레이디언트 반대 방향으로 조금씩 옮깁니다(경사하강법)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Not recorded in this model&apos;s card.</source>
        <translation>이 모델의 카드에 기록되어 있지 않습니다.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} epochs (the card does not give the steps)</source>
        <translation>에포크 {0}번(카드에 스텝 수는 없음)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} epochs × {1} steps of {2} images = {3} weight updates</source>
        <translation>에포크 {0}번 × 이미지 {2}개짜리 스텝 {1}번 = 가중치 업데이트 {3}번</translation>
    </message>
    <message>
        <location line="-26"/>
        <source>Training loop</source>
        <translation>훈련 루프</translation>
    </message>
</context>
<context>
    <name>Networks</name>
    <message>
        <location filename="../../digitpad/ui/shell/comparison.py" line="-86"/>
        <source>Tutorial</source>
        <translation>튜토리얼</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tutorial + augmentation</source>
        <translation>튜토리얼 + 데이터 증식</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Robust (small CNN)</source>
        <translation>견고한 모델(작은 CNN)</translation>
    </message>
</context>
<context>
    <name>NumberView</name>
    <message>
        <location filename="../../digitpad/ui/widgets/number_view.py" line="+51"/>
        <source>The number read</source>
        <translation>읽은 수</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>No digit here: a dot or a line alone is not a digit</source>
        <translation>숫자가 없습니다: 점이나 선 하나만으로는 숫자가 아닙니다</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Nothing written yet</source>
        <translation>아직 아무것도 쓰지 않았습니다</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Reads {0}</source>
        <translation>{0}(으)로 읽음</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>unsure of digit {0}</source>
        <translation>{0}번째 숫자는 확실하지 않음</translation>
    </message>
    <message>
        <location line="-24"/>
        <source>Write a number on the wide pad: each digit is read on its own</source>
        <translation>넓은 패드에 수를 쓰세요. 숫자마다 따로 읽습니다</translation>
    </message>
</context>
<context>
    <name>PreprocessLesson</name>
    <message>
        <location filename="../../digitpad/ui/teach/preprocess_lesson.py" line="+56"/>
        <source>Whole canvas squashed to 28×28</source>
        <translation>그림판 전체를 28×28로 줄임</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Prepared like MNIST</source>
        <translation>MNIST처럼 전처리함</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>No cropping, no centring: the digit ends up small and off-centre.</source>
        <translation>자르지도, 가운데 맞추지도 않으면 숫자가 작고 한쪽으로 치우칩니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your strokes redrawn with MNIST&apos;s pen width, fitted into 20×20, centred by their centre of mass: brush and size no longer matter.</source>
        <translation>획을 MNIST의 펜 굵기로 다시 그려 20×20에 맞추고 무게중심으로 가운데에 놓습니다. 붓 굵기와 크기는 더 이상 상관없습니다.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Draw a digit to compare.</source>
        <translation>숫자를 그려서 비교해 보세요.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The network reads {0} ({1})</source>
        <translation>신경망의 예측값: {0} ({1})</translation>
    </message>
</context>
<context>
    <name>PreprocessPage</name>
    <message>
        <location filename="../../digitpad/ui/teach/dock.py" line="+84"/>
        <source>Compare with a naive resize</source>
        <translation>단순 크기 조정과 비교</translation>
    </message>
</context>
<context>
    <name>PresenterMode</name>
    <message>
        <location filename="../../digitpad/ui/shell/presenter.py" line="+123"/>
        <source>&amp;Presenter mode</source>
        <translation>발표자 모드(&amp;P)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Full screen, large type, high contrast ({0})</source>
        <translation>전체 화면, 큰 글씨, 높은 대비 ({0})</translation>
    </message>
</context>
<context>
    <name>PresetChooser</name>
    <message>
        <location filename="../../digitpad/ui/widgets/preset_chooser.py" line="+38"/>
        <source>Tutorial</source>
        <translation>튜토리얼</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Dense 512 relu → Dense 10 softmax on plain MNIST: the tutorial, exactly.</source>
        <translation>원본 MNIST로 훈련하는 Dense 512 relu → Dense 10 softmax: 튜토리얼 그대로입니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Tutorial + augmentation</source>
        <translation>튜토리얼 + 데이터 증식</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The tutorial&apos;s network trained on shifted, rotated, thicker and thinner digits: it reads drawings better.</source>
        <translation>튜토리얼의 신경망을 이동·회전하고 굵기를 바꾼 숫자로 훈련합니다. 손으로 그린 숫자를 더 잘 읽습니다.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Robust (small CNN)</source>
        <translation>견고한 모델(작은 CNN)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Two convolution layers, trained with augmentation: slower, sturdier.</source>
        <translation>합성곱 층 두 개, 데이터 증식으로 훈련: 느리지만 더 튼튼합니다.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Network</source>
        <translation>신경망</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Network to train</source>
        <translation>훈련할 신경망</translation>
    </message>
</context>
<context>
    <name>ProbabilityChart</name>
    <message>
        <location filename="../../digitpad/ui/widgets/probability_chart.py" line="+171"/>
        <source>Probability of each digit</source>
        <translation>숫자별 확률</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Nothing drawn yet.</source>
        <translation>아직 아무것도 그리지 않았습니다.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The model reads {0} ({1}% sure).</source>
        <translation>모델의 예측값: {0} (확신도 {1}%).</translation>
    </message>
    <message>
        <location line="+148"/>
        <location line="+42"/>
        <source>Prediction</source>
        <translation>예측값</translation>
    </message>
    <message>
        <location line="-31"/>
        <source>Draw a digit</source>
        <translation>숫자를 그리세요</translation>
    </message>
    <message>
        <location line="-18"/>
        <source>{0}% sure</source>
        <translation>확신도 {0}%</translation>
    </message>
</context>
<context>
    <name>PushRow</name>
    <message>
        <location filename="../../digitpad/ui/teach/network/connections.py" line="-218"/>
        <source>Unit {0}: its output {1} × its weight {2} = {3}</source>
        <translation>유닛 {0}: 출력 {1} × 가중치 {2} = {3}</translation>
    </message>
</context>
<context>
    <name>ReadingModes</name>
    <message>
        <location filename="../../digitpad/ui/shell/reading.py" line="+52"/>
        <source>touching digits split by a guess</source>
        <translation>붙어 있는 숫자를 추측으로 나눔</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>digits close together: split by a guess</source>
        <translation>숫자가 가까워 추측으로 나눔</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>low confidence</source>
        <translation>확신도 낮음</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>more than one digit drawn in one place</source>
        <translation>한 자리에 숫자를 둘 이상 겹쳐 썼습니다</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>far smaller than the other digits</source>
        <translation>다른 숫자보다 훨씬 작습니다</translation>
    </message>
    <message>
        <location line="+276"/>
        <source>&amp;Why this digit?</source>
        <translation>왜 이 숫자일까?(&amp;W)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Colour each pixel by how much it pushed the network towards the digit it read (blue) or away from it (orange) (W)</source>
        <translation>각 픽셀이 신경망을 읽은 숫자 쪽으로 민 정도(파랑)와 반대로 민 정도(주황)를 색으로 보여 줍니다 (W)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Write a &amp;number</source>
        <translation>여러 자리 수 쓰기(&amp;N)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>A wide pad: write several digits, each is read on its own (N)</source>
        <translation>넓은 패드: 숫자를 여러 개 쓰면 하나씩 따로 읽습니다 (N)</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>and not:</source>
        <translation>비교:</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>any other</source>
        <translation>나머지 전체</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>second guess</source>
        <translation>두 번째 후보</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Explain the reading against one other digit: why 7 and not 1?</source>
        <translation>다른 한 숫자와 비교해 설명합니다: 왜 1이 아니라 7일까?</translation>
    </message>
</context>
<context>
    <name>TeachWiring</name>
    <message>
        <location filename="../../digitpad/ui/shell/teach_wiring.py" line="-99"/>
        <source>Load bundled: Tutorial</source>
        <translation>기본 제공 모델 불러오기: 튜토리얼</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load bundled: Tutorial + augmentation</source>
        <translation>기본 제공 모델 불러오기: 튜토리얼 + 데이터 증식</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Load bundled: Robust (small CNN)</source>
        <translation>기본 제공 모델 불러오기: 견고한 모델(작은 CNN)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>T&amp;each</source>
        <translation>배우기(&amp;E)</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>The class session could not start: {0}</source>
        <translation>수업 세션을 시작할 수 없습니다: {0}</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>No network found: only this computer can join (a local demo).</source>
        <translation>네트워크를 찾지 못했습니다. 이 컴퓨터에서만 참여할 수 있습니다(로컬 데모).</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Cannot open model</source>
        <translation>모델을 열 수 없음</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Fine-tuned: your held-back drawings {0:.0%} before, {1:.0%} after.</source>
        <translation>미세 조정 완료: 따로 떼어 둔 내 그림의 정확도 이전 {0:.0%}, 이후 {1:.0%}.</translation>
    </message>
</context>
<context>
    <name>TeachingDock</name>
    <message>
        <location filename="../../digitpad/ui/teach/dock.py" line="+77"/>
        <source>Teach</source>
        <translation>배우기</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Evaluate</source>
        <translation>평가</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inside the network</source>
        <translation>신경망 속</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Preprocessing</source>
        <translation>전처리</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>My digits</source>
        <translation>내 숫자</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Class</source>
        <translation>수업</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Class session…</source>
        <translation>수업 세션…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show teaching views</source>
        <translation>배우기 화면 보기</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Hide the teaching views</source>
        <translation>배우기 화면 숨기기</translation>
    </message>
    <message>
        <location line="+189"/>
        <source>Draw a digit first, then press its number.</source>
        <translation>먼저 숫자를 그린 다음 그 숫자 버튼을 누르세요.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Added your drawing as a {0} ({1} digits saved).</source>
        <translation>그림을 {0}(으)로 추가했습니다(숫자 {1}개 저장됨).</translation>
    </message>
</context>
<context>
    <name>TrainPanel</name>
    <message>
        <location filename="../../digitpad/ui/training/panel.py" line="+183"/>
        <location line="+1"/>
        <source>Epochs</source>
        <translation>에포크</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How many times the network sees all training images.</source>
        <translation>신경망이 훈련 이미지 전체를 몇 번 볼지 정합니다.</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Batch size</source>
        <translation>배치 크기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How many images the network sees per weight update.</source>
        <translation>가중치를 한 번 업데이트할 때 신경망이 보는 이미지 수입니다.</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+1"/>
        <source>Train</source>
        <translation>훈련</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train a new network from scratch (Ctrl+T).</source>
        <translation>새 신경망을 처음부터 훈련합니다(Ctrl+T).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop training</source>
        <translation>훈련 중지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop after the current batch (Ctrl+.).</source>
        <translation>현재 배치가 끝나면 중지합니다(Ctrl+.).</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training progress</source>
        <translation>훈련 진행률</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not training</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click Train to train a new network on MNIST.</source>
        <translation>훈련을 누르면 MNIST로 새 신경망을 훈련합니다.</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Training status</source>
        <translation>훈련 상태</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Training was stopped early. The canvas already uses the partially trained weights: keep them, or go back to the model you had before training.</source>
        <translation>훈련을 일찍 중지했습니다. 그림판은 이미 일부만 훈련된 가중치를 쓰고 있습니다. 이 가중치를 유지하거나, 훈련 전의 모델로 돌아가세요.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Keep partially trained weights</source>
        <translation>일부 훈련된 가중치 유지</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Restore previous model</source>
        <translation>이전 모델 복원</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training log</source>
        <translation>훈련 로그</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The training log appears here, as Keras prints it.</source>
        <translation>Keras가 출력하는 그대로 훈련 로그가 여기에 나타납니다.</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>Train the network</source>
        <translation>신경망 훈련</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+1"/>
        <source>Learning rate</source>
        <translation>학습률</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How big each weight update is (the tutorial&apos;s rmsprop uses 0.001).</source>
        <translation>가중치를 한 번 업데이트할 때의 크기입니다(튜토리얼의 rmsprop은 0.001).</translation>
    </message>
    <message>
        <location line="+123"/>
        <source>Training is already running; press Stop first.</source>
        <translation>이미 훈련 중입니다. 먼저 중지를 누르세요.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Fine-tuning on your digits is running; wait for it.</source>
        <translation>내 숫자로 미세 조정하는 중입니다. 끝날 때까지 기다려 주세요.</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Preparing…</source>
        <translation>준비 중…</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>Stopping after the current batch…</source>
        <translation>현재 배치가 끝나면 중지합니다…</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Kept the partially trained weights.</source>
        <translation>일부 훈련된 가중치를 유지했습니다.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Restored the model you had before training.</source>
        <translation>훈련 전의 모델을 복원했습니다.</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>Training failed: {0}</source>
        <translation>훈련 실패: {0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Loading MNIST…</source>
        <translation>MNIST 불러오는 중…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting TensorFlow (a few seconds the first time)…</source>
        <translation>TensorFlow 시작 중(처음에는 몇 초 걸립니다)…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training…</source>
        <translation>훈련 중…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Evaluating on the 10,000 test images…</source>
        <translation>테스트 이미지 10,000개로 평가하는 중…</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Evaluating…</source>
        <translation>평가 중…</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Epoch {0}/{1} — step {2}/{3}</source>
        <translation>에포크 {0}/{1} — 스텝 {2}/{3}</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>The loss stopped being a number; the previous model is back.</source>
        <translation>손실이 숫자가 아니게 되었습니다(NaN). 이전 모델로 돌아갑니다.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training diverged; the previous model is back.</source>
        <translation>훈련이 발산했습니다. 이전 모델로 돌아갑니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stopped after {0} complete epoch(s).</source>
        <translation>에포크 {0}개를 마친 뒤 중지했습니다.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Stopped. The canvas now uses the partially trained weights.</source>
        <translation>중지했습니다. 이제 그림판은 일부 훈련된 가중치를 사용합니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stopped before training began.</source>
        <translation>훈련을 시작하기 전에 중지했습니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Done: test accuracy {0:.2%}.</source>
        <translation>완료: 테스트 정확도 {0:.2%}.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Done.</source>
        <translation>완료.</translation>
    </message>
    <message>
        <location line="+16"/>
        <location line="+85"/>
        <source>Stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <location line="-85"/>
        <source>Done</source>
        <translation>완료</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Downloading MNIST… {0:.1f} / {1:.1f} MB</source>
        <translation>MNIST 내려받는 중… {0:.1f} / {1:.1f} MB</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>MNIST downloaded to {0}; training starts.</source>
        <translation>MNIST를 {0}에 내려받았습니다. 훈련을 시작합니다.</translation>
    </message>
</context>
<context>
    <name>TrainingCurves</name>
    <message>
        <location filename="../../digitpad/ui/widgets/training_curves.py" line="+115"/>
        <source>Loss and accuracy curves</source>
        <translation>손실과 정확도 곡선</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Loss and accuracy will be drawn here, batch by batch, when you train.</source>
        <translation>훈련을 시작하면 손실과 정확도가 배치마다 여기에 그려집니다.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>loss</source>
        <translation>손실</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>accuracy</source>
        <translation>정확도</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>writers never trained on</source>
        <translation>학습에 쓰지 않은 필기자</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>epoch</source>
        <translation>에포크</translation>
    </message>
</context>
<context>
    <name>UnitView</name>
    <message>
        <location filename="../../digitpad/ui/teach/network/unit.py" line="+65"/>
        <source>Close the close-up</source>
        <translation>크게 보기 닫기</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tile before it in the grid (←)</source>
        <translation>그리드에서 앞 타일 (←)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tile after it in the grid (→)</source>
        <translation>그리드에서 다음 타일 (→)</translation>
    </message>
    <message>
        <location line="+52"/>
        <source>Unit {0} of {1}</source>
        <translation>유닛 {1}개 중 {0}번</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Red: ink there raises its sum; blue: ink there lowers it.</source>
        <translation>빨강: 그곳의 잉크가 합을 올림, 파랑: 내림.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Draw a digit to see how strongly it fires.</source>
        <translation>숫자를 그리면 얼마나 강하게 활성화되는지 보입니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Its output for your drawing: {0}.</source>
        <translation>그린 숫자에 대한 출력: {0}.</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Fires {0} for your drawing: number {1} of the {2} that fire.</source>
        <translation>그린 숫자에 {0}만큼 활성화됨: 활성화된 {2}개 중 {1}번째.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Silent for your drawing: its sum is {0}, and relu makes it 0.</source>
        <translation>그린 숫자에는 활성화되지 않음: 합은 {0}, relu가 0으로 만듭니다.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Silent for your drawing: relu makes it 0.</source>
        <translation>그린 숫자에는 활성화되지 않음: relu가 0으로 만듭니다.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>What it passes on: most to {0}; least to {1}.</source>
        <translation>출력으로 전하는 가중치: 가장 큰 쪽 {0}, 가장 작은 쪽 {1}.</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Now it adds {0} to the score of {1}.</source>
        <translation>지금 {1}의 점수에 {0}만큼 더합니다.</translation>
    </message>
</context>
<context>
    <name>UserDigitsView</name>
    <message>
        <location filename="../../digitpad/ui/teach/user_digits_view.py" line="+113"/>
        <source>Draw a digit, then press its number to add it to your digits.</source>
        <translation>숫자를 그린 다음 그 숫자 버튼을 누르면 내 숫자에 추가됩니다.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Add the current drawing as a {0}</source>
        <translation>지금 그림을 {0}(으)로 추가</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete selected</source>
        <translation>선택 항목 삭제</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fine-tune on my digits</source>
        <translation>내 숫자로 미세 조정</translation>
    </message>
    <message>
        <location line="+39"/>
        <source>Not added: {0}</source>
        <translation>추가하지 못했습니다: {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Added a {0}.</source>
        <translation>{0}을(를) 추가했습니다.</translation>
    </message>
    <message>
        <location line="+43"/>
        <source>{0} digits saved in {1}</source>
        <translation>숫자 {0}개가 저장됨: {1}</translation>
    </message>
    <message>
        <location line="+38"/>
        <source>Fine-tuned on {0} digits. Add at least 4 of a digit to measure it.</source>
        <translation>숫자 {0}개로 미세 조정했습니다. 정확도를 재려면 한 숫자당 4개 이상 추가하세요.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Your held-back drawings: {0} before → {1} after ({2} trained on, {3} held back).</source>
        <translation>따로 떼어 둔 내 그림의 정확도: 이전 {0} → 이후 {1} (훈련에 {2}개, 검증용으로 {3}개 사용).</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Fine-tuning failed: {0}</source>
        <translation>미세 조정 실패: {0}</translation>
    </message>
    <message>
        <location line="-29"/>
        <source>Add some digits first.</source>
        <translation>먼저 숫자를 몇 개 추가하세요.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Fine-tuning…</source>
        <translation>미세 조정 중…</translation>
    </message>
</context>
<context>
    <name>WeightGrid</name>
    <message>
        <location filename="../../digitpad/ui/teach/network/tiles.py" line="-65"/>
        <source>This model has no 784-input Dense layer to show.</source>
        <translation>이 모델에는 보여 줄 784-입력 Dense 층이 없습니다.</translation>
    </message>
</context>
</TS>
