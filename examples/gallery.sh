#!/usr/bin/env bash
# Every Pglet control on one page, built from Bash through a `pglet page` pipe.
#
#   bash examples/gallery.sh                 # uses (or starts) the server on localhost:8550
#   PGLET_SERVER=http://host:8550 THEME=dark bash examples/gallery.sh
#
# Prints the page URL, then the events of the people using the page, until Ctrl-C
# (GALLERY_NO_WAIT=1: exit as soon as the page is built).
set -euo pipefail

NAME=${GALLERY_PAGE:-gallery}
args=(page "$NAME" --no-window)
[ -n "${PGLET_SERVER:-}" ] && args+=(--server "$PGLET_SERVER")
read -r PIPE URL < <(pglet "${args[@]}")

# One command: write it, then read its reply ("<lines> <result>" or "error <message>").
cmd() {
  echo "$1" > "$PIPE"
  local reply
  reply=$(cat "$PIPE")
  case "$reply" in error*) echo "gallery: $reply (in: ${1%%$'\n'*})" >&2; exit 1 ;; esac
}

cmd "set page title='Pglet gallery' theme=${THEME:-light} padding=20 gap=16 horizontalalign=stretch"

cmd "add
toolbar id=menu
  item text=New icon=Add
    item text=Document icon=TextDocument
    item text=Spreadsheet icon=ExcelDocument
  item text=Share icon=Share
  far
    item text=Help icon=Help iconOnly=true
  overflow
    item text=Settings icon=Settings
text value='Pglet gallery' size=xxLarge bold
text value='Every control of **Pglet 0.7**, served by *pglet-rs* from a Bash script. Markdown works too: \`code\`, [links](#top) and lists.' markdown"

cmd "add
stack horizontal wrap gap=24
  stack gap=8 width=340 horizontalalign=start
    text value='Buttons' size=large bold
    stack horizontal gap=8 wrap
      button id=primary text=Primary primary data=primary
      button text=Default
      button text=Disabled disabled
    stack horizontal gap=8 wrap
      button text=Menu icon=Mail
        item text='Reply' icon=Reply
        item text='Forward' icon=Forward
        item divider
        item text='More'
          item text='Archive'
      button text=Split split primary
        item text='Option A'
      button icon=Delete title=Delete iconColor=red
    button compound text=Compound secondaryText='With a second line'
    button action icon=AddFriend text='Action button'
    link value='A link to the top' url='#top'
  stack gap=8 width=340
    text value='Inputs' size=large bold
    textbox id=name label=Name placeholder='Your name' description='Two-way: get name value'
    textbox label=Password password
    textbox label=Comments multiline rows=3
    searchbox placeholder=Search underlined
    spinbutton label=Count min=0 max=10 step=1 value=3
  stack gap=8 width=340
    text value='Choices' size=large bold
    checkbox label='Check me' value=true
    toggle label=Toggle inline onText=On offText=Off
    dropdown label=Dropdown value=b
      option key=a text=Apple
      option key=b text=Banana
      option key=c text=Cherry
    combobox label=ComboBox multiselect value='x,z'
      option key=x text=Xray
      option key=y text=Yankee
      option key=z text=Zulu
    choicegroup label=ChoiceGroup value=m
      option key=s text=Small
      option key=m text=Medium
      option key=l text=Large
    slider label=Slider min=0 max=100 value=40 showvalue
    datepicker label=Date value='2026-05-01T00:00:00Z' width=200"

cmd "add
stack horizontal wrap gap=24
  stack gap=8 width=340
    text value='Status' size=large bold
    message value='Saved successfully.' type=success dismiss
    message value='Something needs attention.' type=warning
      button text=Fix action=fix
    message value='An error happened.' type=error
    progress label=Copying description='12 of 40 files' value=30
    progress label=Working
    stack horizontal gap=16
      spinner label=Loading size=medium
      spinner size=large labelPosition=right label=Busy
  stack gap=8 width=340
    text value='Display' size=large bold
    stack horizontal gap=12 verticalalign=center
      icon name=Heart color=red size=24
      icon name=Sunny color=orange size=24
      icon name=CloudWeather color=themePrimary size=24
      icon name=Settings size=24
    persona text='Ada Lovelace' secondaryText='Analyst' presence=online
    persona text='Alan Turing' secondaryText='Offline' presence=offline size=40
    image src='data:image/svg+xml;utf8,<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\" height=\"60\"><rect width=\"120\" height=\"60\" rx=\"8\" fill=\"%236529d6\"/><text x=\"60\" y=\"36\" font-size=\"16\" text-anchor=\"middle\" fill=\"white\">image</text></svg>' alt=Image width=120 height=60
    html value='<b>HTML</b> is <i>sanitized</i>: <code>&lt;script&gt;</code> never runs.'
  stack gap=8 width=340
    text value='Navigation' size=large bold
    nav value=home
      item text=Pages key=pages expanded=true
        item key=home text=Home icon=Home
        item key=docs text=Docs icon=Document
        item key=more text=More
          item key=deep text=Deeper
    tabs value=one
      tab key=one text=First
        text value='Content of the first tab'
      tab key=two text=Second count=3
        text value='Content of the second tab'"

cmd "add
text value='Grid' size=large bold
grid id=people selection=multiple compact
  columns
    column name=Name fieldName=name sortable=string minWidth=120
    column name=Age fieldName=age sortable=number minWidth=60
    column name=Active fieldName=active minWidth=60
      checkbox value='{active}'
    column name=Note fieldName=note minWidth=160
      textbox value='{note}' underlined
  items
    item name=Alice age=34 active=true note='Team lead'
    item name=Bob age=27 active=false note=''
    item name=Carol age=41 active=true note='On leave'"

cmd "add
stack horizontal wrap gap=24
  stack width=340 height=260
    text value='Line chart' size=large bold
    linechart legend tooltips yFormat='{y}%' height=220
      data legend=CPU color=themePrimary
        p x=1 y=20
        p x=2 y=45
        p x=3 y=30
        p x=4 y=70
        p x=5 y=55
      data legend=Memory color=green
        p x=1 y=40
        p x=2 y=42
        p x=3 y=48
        p x=4 y=50
        p x=5 y=60
  stack width=340 height=260
    text value='Vertical bars' size=large bold
    verticalbarchart tooltips height=220
      data
        p x=Mon y=12
        p x=Tue y=18
        p x=Wed y=9
        p x=Thu y=22
  stack width=340 gap=8
    text value='Pie and bars' size=large bold
    piechart legend innerRadius=40 innerValue='70%' height=160
      data
        p legend=Done value=70
        p legend=Left value=30
    barchart dataMode=fraction
      data
        p legend=Disk x=40 y=100
        p legend=Memory x=75 y=100"

cmd "add
text value='Split stack' size=large bold
splitstack horizontal height=80 gutterSize=6
  stack bgcolor=themeLighter padding=10
    text value='Left pane: drag the gutter'
  stack bgcolor=neutralLighter padding=10
    text value='Right pane'
text value='Iframe' size=large bold
iframe src='/healthz' width=340 height=40 borderStyle=solid borderWidth=1 borderColor=neutralLight
stack horizontal wrap gap=8
  button id=opendialog text='Open dialog'
  button id=openpanel text='Open panel'
  button id=callme text='Show callout'
dialog id=dlg title='A dialog' subText='Dialogs confirm things.'
  footer
    button id=dlgok text=OK primary
    button id=dlgcancel text=Cancel
panel id=pnl title='A panel' lightDismiss
  text value='Panels slide in from the side.'
callout id=cal target=callme visible=false
  text value='A callout points at its target.'"

echo "$URL"
[ -n "${GALLERY_NO_WAIT:-}" ] && exit 0

# Open the overlays when their buttons are clicked; print every event.
while read -r target name data < "$PIPE.events"; do
  echo "event: $target $name $data"
  case "$target $name" in
    "opendialog click") cmd "set dlg open=true" ;;
    "openpanel click") cmd "set pnl open=true" ;;
    "callme click") cmd "set cal visible=true" ;;
    "dlgok click" | "dlgcancel click") cmd "set dlg open=false" ;;
  esac
done
