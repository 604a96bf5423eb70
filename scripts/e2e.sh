#!/usr/bin/env bash
# The seed's 8-step local end-to-end check, against a running server (npm start in another terminal):
#   bash scripts/e2e.sh [base-url]      (default http://localhost:8080)
set -euo pipefail
cd "$(dirname "$0")/.."
BASE="${1:-${E2E_BASE_URL:-http://localhost:8080}}"
API="$BASE/api/v1"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
FFPROBE="$(node -e "console.log(require('@ffprobe-installer/ffprobe').path)")"

step() { printf '\n\033[1m✅ 步骤 %s: %s\033[0m\n' "$1" "$2"; }
fail() { printf '\n\033[31m❌ %s\033[0m\n' "$*" >&2; exit 1; }
json() { node -e "const d=JSON.parse(require('fs').readFileSync(0,'utf8')); const v=($1); if (v===undefined) process.exit(3); console.log(typeof v==='object'?JSON.stringify(v):v)"; }
call() { # method path [body] → prints body, fails on HTTP >= 400
  local method=$1 path=$2 body=${3:-}
  local code
  code=$(curl -sS -o "$TMP/body" -w '%{http_code}' -X "$method" "$API$path" \
    -H 'Content-Type: application/json' ${TOKEN:+-H "Authorization: Bearer $TOKEN"} ${body:+-d "$body"}) \
    || fail "$method $path: no answer from $BASE"
  [ "$code" -lt 400 ] || fail "$method $path → HTTP $code: $(cat "$TMP/body")"
  cat "$TMP/body"
}

echo "3kstory 本地端到端验证测试 (E2E) against $BASE"

step 1 "检查服务健康状态 (health)"
call GET /health | json 'd.data.status' | grep -qx ok || fail "health is not ok"

EMAIL="e2e-$(date +%s)-$RANDOM@example.com"
step 2 "用户注册 (register $EMAIL)"
call POST /auth/register "{\"username\":\"e2euser\",\"email\":\"$EMAIL\",\"password\":\"Test@12345\"}" >/dev/null

step 3 "用户登录 (login)"
TOKEN=$(call POST /auth/login "{\"email\":\"$EMAIL\",\"password\":\"Test@12345\"}" | json 'd.data.token')

step 4 "创建项目 (create project)"
PROJECT_ID=$(call POST /projects '{"title":"我的第一部网剧","description":"一个程序员的爱情故事","genre":"爱情","target_episodes":1,"target_duration_sec":30}' | json 'd.data.id')
echo "project $PROJECT_ID"

step 5 "创建场景 (create scene)"
SCENE_ID=$(call POST "/projects/$PROJECT_ID/scenes" '{"episode":1,"number":1,"title":"深夜加班","location":"北京办公室","description":"程序员正在工作","characters":[{"name":"小王","role":"程序员","description":"996 的后端工程师"}],"dialogue":[{"character":"小王","line":"今天又要加班到深夜了。"}],"duration_sec":10}' | json 'd.data.id')
echo "scene $SCENE_ID"

step 6 "请求视频生成 (generate-video)"
TASK_ID=$(call POST "/projects/$PROJECT_ID/generate-video" "{\"scene_id\":\"$SCENE_ID\",\"script\":\"北京办公室，程序员正在工作。今天又要加班到深夜了。\",\"duration_sec\":10}" | json 'd.data.task_id')
echo "task $TASK_ID"

step 7 "等待视频生成完成 (wait)"
for _ in $(seq 1 120); do
  TASK=$(call GET "/tasks/$TASK_ID")
  STATUS=$(echo "$TASK" | json 'd.data.status')
  printf '  %s %s%%\n' "$STATUS" "$(echo "$TASK" | json 'd.data.progress')"
  [ "$STATUS" = completed ] && break
  [ "$STATUS" = failed ] && fail "task failed: $(echo "$TASK" | json 'd.data.error')"
  sleep 1
done
[ "$STATUS" = completed ] || fail "task did not finish within 120 s"
VIDEO_URL=$(echo "$TASK" | json 'd.data.video_url')
case "$VIDEO_URL" in http*) ;; *) VIDEO_URL="$BASE$VIDEO_URL" ;; esac

step 8 "验证视频文件 (verify the MP4 with ffprobe)"
curl -sSf -o "$TMP/video.mp4" "$VIDEO_URL" || fail "could not download $VIDEO_URL"
PROBE=$("$FFPROBE" -v error -show_entries stream=codec_type,codec_name,width,height -show_entries format=duration -of json "$TMP/video.mp4")
echo "$PROBE" | json 'd.streams.find(s=>s.codec_type==="video").codec_name' | grep -qx h264 || fail "video codec is not h264"
echo "$PROBE" | json '`${d.streams.find(s=>s.codec_type==="video").width}x${d.streams.find(s=>s.codec_type==="video").height}`' | grep -qx 1280x720 || fail "resolution is not 1280x720"
echo "$PROBE" | json 'd.streams.some(s=>s.codec_type==="audio")' | grep -qx true || fail "no audio stream"
DURATION=$(echo "$PROBE" | json 'Number(d.format.duration).toFixed(2)')
node -e "process.exit(Math.abs($DURATION - 10) <= 0.5 ? 0 : 1)" || fail "duration $DURATION s, expected 10 ± 0.5"
echo "  h264 1280x720, audio present, ${DURATION} s — $VIDEO_URL"

printf '\n━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n   ✅ 完整的端到端验证流程已成功完成！\n━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n'
