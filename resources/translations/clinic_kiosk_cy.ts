<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="cy_GB">
<context>
    <name>CheckInScreen</name>
    <message>
        <source>Checking your code…</source>
        <translation>Wrthi&apos;n gwirio eich cod…</translation>
    </message>
    <message>
        <source>Please type all %1 numbers of your code.</source>
        <translation>Teipiwch bob un o %1 rhif eich cod.</translation>
    </message>
    <message>
        <source>That code didn&apos;t work. Please check the letter or text message and try again.</source>
        <translation>Wnaeth y cod yna ddim gweithio. Edrychwch eto ar y llythyr neu&apos;r neges destun a rhowch gynnig arall arni.</translation>
    </message>
    <message>
        <source>That code has already been used. Please ask a member of staff at reception.</source>
        <translation>Mae&apos;r cod yna wedi cael ei ddefnyddio&apos;n barod. Gofynnwch i aelod o staff yn y dderbynfa.</translation>
    </message>
    <message>
        <source>That code is no longer valid. Please ask a member of staff at reception.</source>
        <translation>Dydy&apos;r cod yna ddim yn ddilys bellach. Gofynnwch i aelod o staff yn y dderbynfa.</translation>
    </message>
    <message>
        <source>Please ask a member of staff at reception. They can check you in.</source>
        <translation>Gofynnwch i aelod o staff yn y dderbynfa. Gallan nhw eich cofrestru chi.</translation>
    </message>
    <message>
        <source>The kiosk can&apos;t reach the clinic just now. Please try again in a minute, or ask a member of staff.</source>
        <translation>Dydy&apos;r ciosg ddim yn gallu cysylltu â&apos;r clinig ar hyn o bryd. Rhowch gynnig arall arni mewn munud, neu gofynnwch i aelod o staff.</translation>
    </message>
    <message>
        <source>Sorry, the kiosk lost its connection while you were waiting. A member of staff has been told and will check you in again.</source>
        <translation>Mae&apos;n ddrwg gennym, collodd y ciosg ei gysylltiad tra oeddech chi&apos;n aros. Mae aelod o staff wedi cael gwybod a bydd yn eich cofrestru chi eto.</translation>
    </message>
    <message>
        <source>Are you here to see %1 at %2?</source>
        <translation>Ydych chi yma i weld %1 am %2?</translation>
    </message>
    <message>
        <source>Demonstration: the code %1 works today.</source>
        <translation>Arddangosiad: mae&apos;r cod %1 yn gweithio heddiw.</translation>
    </message>
    <message>
        <source>Check in</source>
        <translation>Cofrestru</translation>
    </message>
    <message>
        <source>Type the %1-digit code from your appointment letter or text message.</source>
        <translation>Teipiwch y cod %1 digid o&apos;ch llythyr apwyntiad neu&apos;ch neges destun.</translation>
    </message>
    <message>
        <source>Checks you in with the code you typed.</source>
        <translation>Yn eich cofrestru gyda&apos;r cod y gwnaethoch ei deipio.</translation>
    </message>
    <message>
        <source>A member of staff has set up this kiosk for this appointment.</source>
        <translation>Mae aelod o staff wedi paratoi&apos;r ciosg hwn ar gyfer yr apwyntiad yma.</translation>
    </message>
    <message>
        <source>Yes, that&apos;s me</source>
        <translation>Ydw, dyna fi</translation>
    </message>
    <message>
        <source>Checks you in.</source>
        <translation>Yn eich cofrestru chi.</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nac ydw</translation>
    </message>
    <message>
        <source>Lets you type the code from your letter or text message instead.</source>
        <translation>Yn gadael i chi deipio&apos;r cod o&apos;ch llythyr neu&apos;ch neges destun yn lle hynny.</translation>
    </message>
</context>
<context>
    <name>CodeBoxes</name>
    <message>
        <source>Your code</source>
        <translation>Eich cod</translation>
    </message>
    <message>
        <source>%1 of %2 numbers typed.</source>
        <translation>Wedi teipio %1 o %2 rhif.</translation>
    </message>
</context>
<context>
    <name>ConsultationScreen</name>
    <message>
        <source>the specialist</source>
        <translation>yr arbenigwr</translation>
    </message>
    <message>
        <source>Connecting you to %1…</source>
        <translation>Yn eich cysylltu chi â %1…</translation>
    </message>
    <message>
        <source>Waiting for the video from %1…</source>
        <translation>Yn aros am y fideo gan %1…</translation>
    </message>
    <message>
        <source>Your camera is off</source>
        <translation>Mae eich camera wedi&apos;i diffodd</translation>
    </message>
    <message>
        <source>Your camera</source>
        <translation>Eich camera</translation>
    </message>
    <message>
        <source>Connection: good</source>
        <translation>Cysylltiad: da</translation>
    </message>
    <message>
        <source>Connection: fair. The picture may be less clear.</source>
        <translation>Cysylltiad: gweddol. Efallai na fydd y llun mor glir.</translation>
    </message>
    <message>
        <source>Connection: poor. The picture or sound may break up.</source>
        <translation>Cysylltiad: gwael. Efallai y bydd y llun neu&apos;r sain yn torri.</translation>
    </message>
    <message>
        <source>Connection: checking…</source>
        <translation>Cysylltiad: wrthi&apos;n gwirio…</translation>
    </message>
    <message>
        <source>You are muted: the specialist can&apos;t hear you.</source>
        <translation>Mae eich meicroffon wedi&apos;i dawelu: dydy&apos;r arbenigwr ddim yn gallu eich clywed.</translation>
    </message>
    <message>
        <source>Your camera is off.</source>
        <translation>Mae eich camera wedi&apos;i diffodd.</translation>
    </message>
    <message>
        <source>Unmute</source>
        <translation>Troi&apos;r meic ymlaen</translation>
    </message>
    <message>
        <source>Your microphone is off. Touch to let the specialist hear you.</source>
        <translation>Mae eich meicroffon wedi&apos;i ddiffodd. Cyffyrddwch er mwyn i&apos;r arbenigwr eich clywed.</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Tawelu</translation>
    </message>
    <message>
        <source>Turns your microphone off so the specialist can&apos;t hear you.</source>
        <translation>Yn diffodd eich meicroffon fel nad yw&apos;r arbenigwr yn gallu eich clywed.</translation>
    </message>
    <message>
        <source>Turn camera on</source>
        <translation>Troi&apos;r camera ymlaen</translation>
    </message>
    <message>
        <source>Your camera is off. Touch to let the specialist see you.</source>
        <translation>Mae eich camera wedi&apos;i diffodd. Cyffyrddwch er mwyn i&apos;r arbenigwr eich gweld.</translation>
    </message>
    <message>
        <source>Turn camera off</source>
        <translation>Diffodd y camera</translation>
    </message>
    <message>
        <source>Stops the specialist seeing you.</source>
        <translation>Yn atal yr arbenigwr rhag eich gweld.</translation>
    </message>
    <message>
        <source>Volume: %1%</source>
        <translation>Sain: %1%</translation>
    </message>
    <message>
        <source>The specialist&apos;s video</source>
        <translation>Fideo&apos;r arbenigwr</translation>
    </message>
    <message>
        <source>Your camera picture</source>
        <translation>Llun eich camera</translation>
    </message>
    <message>
        <source>The connection dropped.</source>
        <translation>Mae&apos;r cysylltiad wedi torri.</translation>
    </message>
    <message>
        <source>Reconnecting… You don&apos;t need to do anything.</source>
        <translation>Wrthi&apos;n ailgysylltu… Does dim angen i chi wneud dim byd.</translation>
    </message>
    <message>
        <source>Quieter</source>
        <translation>Tawelach</translation>
    </message>
    <message>
        <source>Turns the sound down.</source>
        <translation>Yn troi&apos;r sain i lawr.</translation>
    </message>
    <message>
        <source>Louder</source>
        <translation>Uwch</translation>
    </message>
    <message>
        <source>Turns the sound up.</source>
        <translation>Yn troi&apos;r sain i fyny.</translation>
    </message>
    <message>
        <source>I need help</source>
        <translation>Mae angen help arna i</translation>
    </message>
    <message>
        <source>Tells a member of staff that you need help. The call carries on.</source>
        <translation>Yn dweud wrth aelod o staff bod angen help arnoch chi. Mae&apos;r alwad yn parhau.</translation>
    </message>
    <message>
        <source>End call</source>
        <translation>Gorffen yr alwad</translation>
    </message>
    <message>
        <source>Asks if you are sure, then ends the video call.</source>
        <translation>Yn gofyn ydych chi&apos;n siŵr, ac wedyn yn gorffen yr alwad fideo.</translation>
    </message>
    <message>
        <source>Do you want to end the call?</source>
        <translation>Ydych chi eisiau gorffen yr alwad?</translation>
    </message>
    <message>
        <source>If you end it, the specialist will not be able to talk to you.</source>
        <translation>Os byddwch chi&apos;n ei gorffen, fydd yr arbenigwr ddim yn gallu siarad â chi.</translation>
    </message>
    <message>
        <source>Yes, end the call</source>
        <translation>Ydw, gorffen yr alwad</translation>
    </message>
    <message>
        <source>Ends the video call now.</source>
        <translation>Yn gorffen yr alwad fideo nawr.</translation>
    </message>
    <message>
        <source>No, carry on</source>
        <translation>Nac ydw, parhau</translation>
    </message>
    <message>
        <source>Goes back to the call.</source>
        <translation>Yn mynd yn ôl i&apos;r alwad.</translation>
    </message>
</context>
<context>
    <name>DeviceChecksScreen</name>
    <message>
        <source>Volume: %1%</source>
        <translation>Sain: %1%</translation>
    </message>
    <message>
        <source>We can hear you.</source>
        <translation>Rydyn ni&apos;n gallu eich clywed chi.</translation>
    </message>
    <message>
        <source>Listening…</source>
        <translation>Wrthi&apos;n gwrando…</translation>
    </message>
    <message>
        <source>Check %1 of 3</source>
        <translation>Gwiriad %1 o 3</translation>
    </message>
    <message>
        <source>Checks finished</source>
        <translation>Gwiriadau wedi gorffen</translation>
    </message>
    <message>
        <source>You couldn&apos;t see yourself</source>
        <translation>Doeddech chi ddim yn gallu gweld eich hun</translation>
    </message>
    <message>
        <source>Check that nothing is covering the camera, then try again. You can also carry on without video: the specialist will still hear you.</source>
        <translation>Gwnewch yn siŵr nad oes dim byd yn gorchuddio&apos;r camera, yna rhowch gynnig arall arni. Gallwch chi hefyd barhau heb fideo: bydd yr arbenigwr yn dal i allu eich clywed.</translation>
    </message>
    <message>
        <source>Try a different camera:</source>
        <translation>Rhowch gynnig ar gamera arall:</translation>
    </message>
    <message>
        <source>Carry on without video</source>
        <translation>Parhau heb fideo</translation>
    </message>
    <message>
        <source>Goes on to the next check. The specialist will hear you but not see you.</source>
        <translation>Yn mynd ymlaen i&apos;r gwiriad nesaf. Bydd yr arbenigwr yn eich clywed ond ddim yn eich gweld.</translation>
    </message>
    <message>
        <source>The microphone couldn&apos;t hear you</source>
        <translation>Doedd y meicroffon ddim yn gallu eich clywed</translation>
    </message>
    <message>
        <source>Try again and speak a little louder. If it still doesn&apos;t work, a member of staff can help: touch &quot;I need help&quot;.</source>
        <translation>Rhowch gynnig arall arni a siaradwch ychydig yn uwch. Os nad yw&apos;n gweithio o hyd, gall aelod o staff helpu: cyffyrddwch â &quot;Mae angen help arna i&quot;.</translation>
    </message>
    <message>
        <source>Try a different microphone:</source>
        <translation>Rhowch gynnig ar feicroffon arall:</translation>
    </message>
    <message>
        <source>Carry on anyway</source>
        <translation>Parhau beth bynnag</translation>
    </message>
    <message>
        <source>Goes on to the next check without a working microphone.</source>
        <translation>Yn mynd ymlaen i&apos;r gwiriad nesaf heb feicroffon sy&apos;n gweithio.</translation>
    </message>
    <message>
        <source>You couldn&apos;t hear the sound</source>
        <translation>Doeddech chi ddim yn gallu clywed y sain</translation>
    </message>
    <message>
        <source>The sound may be too quiet. Try again and we will play it louder. If you use a hearing aid, a member of staff can help.</source>
        <translation>Efallai fod y sain yn rhy dawel. Rhowch gynnig arall arni a byddwn ni&apos;n ei chwarae&apos;n uwch. Os ydych chi&apos;n defnyddio cymorth clyw, gall aelod o staff helpu.</translation>
    </message>
    <message>
        <source>Try different speakers:</source>
        <translation>Rhowch gynnig ar seinyddion eraill:</translation>
    </message>
    <message>
        <source>Goes on without working sound.</source>
        <translation>Yn mynd ymlaen heb sain sy&apos;n gweithio.</translation>
    </message>
    <message>
        <source>Uses this device and tries the check again.</source>
        <translation>Yn defnyddio&apos;r ddyfais hon ac yn gwirio eto.</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>Microphone</source>
        <translation>Meicroffon</translation>
    </message>
    <message>
        <source>Sound</source>
        <translation>Sain</translation>
    </message>
    <message>
        <source>Internet connection</source>
        <translation>Cysylltiad â&apos;r rhyngrwyd</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>Yn gweithio</translation>
    </message>
    <message>
        <source>Working, but not perfectly</source>
        <translation>Yn gweithio, ond ddim yn berffaith</translation>
    </message>
    <message>
        <source>Not working</source>
        <translation>Ddim yn gweithio</translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation>Heb ei wirio</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wrthi&apos;n gwirio…</translation>
    </message>
    <message>
        <source>Some things are not working. You can still carry on, or touch &quot;I need help&quot; and a member of staff will come.</source>
        <translation>Dydy rhai pethau ddim yn gweithio. Gallwch chi barhau o hyd, neu gyffwrdd â &quot;Mae angen help arna i&quot; a bydd aelod o staff yn dod.</translation>
    </message>
    <message>
        <source>Everything is ready for your video call.</source>
        <translation>Mae popeth yn barod ar gyfer eich galwad fideo.</translation>
    </message>
    <message>
        <source>The sound is already as loud as it goes. Try again and listen carefully. If you use a hearing aid, a member of staff can help.</source>
        <translation>Mae&apos;r sain eisoes mor uchel ag y gall fod. Rhowch gynnig arall arni a gwrandewch yn ofalus. Os ydych chi&apos;n defnyddio cymorth clyw, gall aelod o staff helpu.</translation>
    </message>
    <message>
        <source>Your camera picture</source>
        <translation>Llun eich camera</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>Wrthi&apos;n dechrau&apos;r camera…</translation>
    </message>
    <message>
        <source>Can you see yourself?</source>
        <translation>Ydych chi&apos;n gallu gweld eich hun?</translation>
    </message>
    <message>
        <source>Look at the picture. You should see yourself, like in a mirror.</source>
        <translation>Edrychwch ar y llun. Dylech chi weld eich hun, fel mewn drych.</translation>
    </message>
    <message>
        <source>Yes, I can see myself</source>
        <translation>Ydw, rydw i&apos;n gallu gweld fy hun</translation>
    </message>
    <message>
        <source>The camera works. Goes on to the next check.</source>
        <translation>Mae&apos;r camera&apos;n gweithio. Yn mynd ymlaen i&apos;r gwiriad nesaf.</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nac ydw</translation>
    </message>
    <message>
        <source>Shows what you can do to fix it.</source>
        <translation>Yn dangos beth allwch chi ei wneud i&apos;w drwsio.</translation>
    </message>
    <message>
        <source>Let&apos;s check the microphone</source>
        <translation>Gadewch i ni wirio&apos;r meicroffon</translation>
    </message>
    <message>
        <source>Please say &quot;Hello&quot; out loud. The blocks light up when the microphone hears you.</source>
        <translation>Dywedwch &quot;Helo&quot; yn uchel. Mae&apos;r blociau&apos;n goleuo pan fydd y meicroffon yn eich clywed chi.</translation>
    </message>
    <message>
        <source>The blocks don&apos;t light up</source>
        <translation>Dydy&apos;r blociau ddim yn goleuo</translation>
    </message>
    <message>
        <source>Tells us the microphone can&apos;t hear you and shows what you can do.</source>
        <translation>Yn dweud wrthon ni nad yw&apos;r meicroffon yn gallu eich clywed, ac yn dangos beth allwch chi ei wneud.</translation>
    </message>
    <message>
        <source>Let&apos;s check the sound</source>
        <translation>Gadewch i ni wirio&apos;r sain</translation>
    </message>
    <message>
        <source>Touch &quot;Play a sound&quot; and listen. Did you hear the sound?</source>
        <translation>Cyffyrddwch â &quot;Chwarae sain&quot; a gwrandewch. Wnaethoch chi glywed y sain?</translation>
    </message>
    <message>
        <source>Play a sound</source>
        <translation>Chwarae sain</translation>
    </message>
    <message>
        <source>Plays a short chime.</source>
        <translation>Yn chwarae tôn fer.</translation>
    </message>
    <message>
        <source>Yes, I heard it</source>
        <translation>Do, fe wnes i ei chlywed</translation>
    </message>
    <message>
        <source>The sound works. Goes on to the next step.</source>
        <translation>Mae&apos;r sain yn gweithio. Yn mynd ymlaen i&apos;r cam nesaf.</translation>
    </message>
    <message>
        <source>No</source>
        <comment>answer to: did you hear the sound?</comment>
        <translation>Naddo</translation>
    </message>
    <message>
        <source>Play it again</source>
        <translation>Chwarae eto</translation>
    </message>
    <message>
        <source>Plays the chime again.</source>
        <translation>Yn chwarae&apos;r dôn eto.</translation>
    </message>
    <message>
        <source>Quieter</source>
        <translation>Tawelach</translation>
    </message>
    <message>
        <source>Turns the sound down.</source>
        <translation>Yn troi&apos;r sain i lawr.</translation>
    </message>
    <message>
        <source>Louder</source>
        <translation>Uwch</translation>
    </message>
    <message>
        <source>Turns the sound up.</source>
        <translation>Yn troi&apos;r sain i fyny.</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Rhoi cynnig arall arni</translation>
    </message>
    <message>
        <source>Does this check again.</source>
        <translation>Yn gwneud y gwiriad hwn eto.</translation>
    </message>
    <message>
        <source>Your checks are finished</source>
        <translation>Mae eich gwiriadau wedi gorffen</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Parhau</translation>
    </message>
    <message>
        <source>Goes to the waiting room for your appointment.</source>
        <translation>Yn mynd i&apos;r ystafell aros ar gyfer eich apwyntiad.</translation>
    </message>
    <message>
        <source>Do the checks again</source>
        <translation>Gwneud y gwiriadau eto</translation>
    </message>
    <message>
        <source>Checks the camera, microphone and sound again.</source>
        <translation>Yn gwirio&apos;r camera, y meicroffon a&apos;r sain eto.</translation>
    </message>
</context>
<context>
    <name>FaceScale</name>
    <message>
        <source>Very bad</source>
        <translation>Gwael iawn</translation>
    </message>
    <message>
        <source>Bad</source>
        <translation>Gwael</translation>
    </message>
    <message>
        <source>Okay</source>
        <translation>Iawn</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>Da</translation>
    </message>
    <message>
        <source>Very good</source>
        <translation>Da iawn</translation>
    </message>
    <message>
        <source>Answer %1 out of 5.</source>
        <translation>Ateb %1 allan o 5.</translation>
    </message>
</context>
<context>
    <name>FeedbackScreen</name>
    <message>
        <source>Thank you for using the kiosk.</source>
        <translation>Diolch am ddefnyddio&apos;r ciosg.</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ie</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Na</translation>
    </message>
    <message>
        <source>Choose this answer.</source>
        <translation>Yn dewis yr ateb hwn.</translation>
    </message>
    <message>
        <source>Your answer</source>
        <translation>Eich ateb</translation>
    </message>
    <message>
        <source>Type your answer here.</source>
        <translation>Teipiwch eich ateb yma.</translation>
    </message>
    <message>
        <source>Question %1 of %2</source>
        <translation>Cwestiwn %1 o %2</translation>
    </message>
    <message>
        <source>The call has ended. Please tell us how it went: it helps us improve. You can skip any question.</source>
        <translation>Mae&apos;r alwad wedi gorffen. Dywedwch wrthon ni sut aeth hi: mae&apos;n ein helpu ni i wella. Gallwch chi hepgor unrhyw gwestiwn.</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Gorffen</translation>
    </message>
    <message>
        <source>Finishes and says goodbye.</source>
        <translation>Yn gorffen ac yn ffarwelio.</translation>
    </message>
    <message>
        <source>Saves your answer and finishes.</source>
        <translation>Yn cadw eich ateb ac yn gorffen.</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Nesaf</translation>
    </message>
    <message>
        <source>Saves your answer and shows the next question.</source>
        <translation>Yn cadw eich ateb ac yn dangos y cwestiwn nesaf.</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>Hepgor</translation>
    </message>
    <message>
        <source>Goes on without answering this question.</source>
        <translation>Yn mynd ymlaen heb ateb y cwestiwn hwn.</translation>
    </message>
    <message>
        <source>Finish now</source>
        <translation>Gorffen nawr</translation>
    </message>
    <message>
        <source>Stops the questions. Answers you gave are kept.</source>
        <translation>Yn stopio&apos;r cwestiynau. Mae&apos;r atebion a roesoch chi&apos;n cael eu cadw.</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>Start again</source>
        <translation>Dechrau eto</translation>
    </message>
    <message>
        <source>Clears everything you have typed and goes back to the first screen.</source>
        <translation>Yn clirio popeth rydych chi wedi&apos;i deipio ac yn mynd yn ôl i&apos;r sgrin gyntaf.</translation>
    </message>
    <message>
        <source>I need help</source>
        <translation>Mae angen help arna i</translation>
    </message>
    <message>
        <source>Tells a member of staff that you need help.</source>
        <translation>Yn dweud wrth aelod o staff bod angen help arnoch chi.</translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <source>Help is on its way.</source>
        <translation>Mae help ar ei ffordd.</translation>
    </message>
    <message>
        <source>A member of staff has been told. Please stay where you are.</source>
        <translation>Mae aelod o staff wedi cael gwybod. Arhoswch lle rydych chi, os gwelwch yn dda.</translation>
    </message>
    <message>
        <source>Asking for help…</source>
        <translation>Wrthi&apos;n gofyn am help…</translation>
    </message>
    <message>
        <source>We are letting a member of staff know. Please stay where you are.</source>
        <translation>Rydyn ni&apos;n rhoi gwybod i aelod o staff. Arhoswch lle rydych chi, os gwelwch yn dda.</translation>
    </message>
    <message>
        <source>Close this message</source>
        <translation>Cau&apos;r neges hon</translation>
    </message>
    <message>
        <source>Hides this message. Staff have still been asked to help you.</source>
        <translation>Yn cuddio&apos;r neges hon. Mae&apos;r staff wedi cael cais i&apos;ch helpu o hyd.</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <source>Are you still there?</source>
        <translation>Ydych chi yna o hyd?</translation>
    </message>
    <message numerus="yes">
        <source>To keep your details private, the kiosk will start again in %n second(s).</source>
        <translation>
            <numerusform>Er mwyn cadw eich manylion yn breifat, bydd y ciosg yn ailddechrau mewn %n eiliad.</numerusform>
            <numerusform>Er mwyn cadw eich manylion yn breifat, bydd y ciosg yn ailddechrau mewn %n eiliad.</numerusform>
            <numerusform>Er mwyn cadw eich manylion yn breifat, bydd y ciosg yn ailddechrau mewn %n eiliad.</numerusform>
            <numerusform>Er mwyn cadw eich manylion yn breifat, bydd y ciosg yn ailddechrau mewn %n eiliad.</numerusform>
            <numerusform>Er mwyn cadw eich manylion yn breifat, bydd y ciosg yn ailddechrau mewn %n eiliad.</numerusform>
        </translation>
    </message>
    <message>
        <source>I&apos;m still here</source>
        <translation>Rydw i yma o hyd</translation>
    </message>
    <message>
        <source>Carries on from where you were.</source>
        <translation>Yn parhau o&apos;r lle roeddech chi.</translation>
    </message>
</context>
<context>
    <name>KioskController</name>
    <message>
        <source>Your connection is good for video.</source>
        <translation>Mae eich cysylltiad yn ddigon da ar gyfer fideo.</translation>
    </message>
    <message>
        <source>Video may be poor; we will try.</source>
        <translation>Efallai y bydd y fideo&apos;n wael, ond byddwn ni&apos;n rhoi cynnig arni.</translation>
    </message>
    <message>
        <source>We cannot connect. Please ask a member of staff.</source>
        <translation>Allwn ni ddim cysylltu. Gofynnwch i aelod o staff.</translation>
    </message>
</context>
<context>
    <name>LevelMeter</name>
    <message>
        <source>Microphone level</source>
        <translation>Lefel y meicroffon</translation>
    </message>
    <message>
        <source>The blocks light up when the microphone hears you.</source>
        <translation>Mae&apos;r blociau&apos;n goleuo pan fydd y meicroffon yn eich clywed chi.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Staff mode</source>
        <extracomment>Steps where &quot;Start again&quot; is offered in the header (safe: nothing is lost but typing). Steps without the header: the call has its own &quot;I need help&quot;; admin is for staff.</extracomment>
        <translation>Modd staff</translation>
    </message>
</context>
<context>
    <name>NumPad</name>
    <message>
        <source>Types the number %1.</source>
        <translation>Yn teipio&apos;r rhif %1.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Dileu</translation>
    </message>
    <message>
        <source>Removes the last number you typed.</source>
        <translation>Yn dileu&apos;r rhif olaf y gwnaethoch ei deipio.</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <source>Types %1</source>
        <translation>Yn teipio %1</translation>
    </message>
    <message>
        <source>Capitals</source>
        <translation>Priflythrennau</translation>
    </message>
    <message>
        <source>The next letter you type will be a capital letter.</source>
        <translation>Bydd y llythyren nesaf y byddwch chi&apos;n ei theipio yn briflythyren.</translation>
    </message>
    <message>
        <source>Accents</source>
        <translation>Acenion</translation>
    </message>
    <message>
        <source>Shows letters with accents in the top row of letters.</source>
        <translation>Yn dangos llythrennau ag acenion yn y rhes uchaf o lythrennau.</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Bwlch</translation>
    </message>
    <message>
        <source>Types a space between words.</source>
        <translation>Yn teipio bwlch rhwng geiriau.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Dileu</translation>
    </message>
    <message>
        <source>Removes the last letter you typed.</source>
        <translation>Yn dileu&apos;r llythyren olaf y gwnaethoch ei theipio.</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>This kiosk is not ready.</source>
        <translation>Dydy&apos;r ciosg hwn ddim yn barod.</translation>
    </message>
    <message>
        <source>Please ask at reception.</source>
        <translation>Gofynnwch yn y dderbynfa, os gwelwch yn dda.</translation>
    </message>
    <message>
        <source>Shows the kiosk in this language: %1</source>
        <translation>Yn dangos y ciosg yn yr iaith hon: %1</translation>
    </message>
</context>
<context>
    <name>ThanksScreen</name>
    <message numerus="yes">
        <source>This screen will close by itself in %n second(s).</source>
        <translation>
            <numerusform>Bydd y sgrin hon yn cau ar ei phen ei hun mewn %n eiliad.</numerusform>
            <numerusform>Bydd y sgrin hon yn cau ar ei phen ei hun mewn %n eiliad.</numerusform>
            <numerusform>Bydd y sgrin hon yn cau ar ei phen ei hun mewn %n eiliad.</numerusform>
            <numerusform>Bydd y sgrin hon yn cau ar ei phen ei hun mewn %n eiliad.</numerusform>
            <numerusform>Bydd y sgrin hon yn cau ar ei phen ei hun mewn %n eiliad.</numerusform>
        </translation>
    </message>
    <message>
        <source>Thank you</source>
        <translation>Diolch</translation>
    </message>
    <message>
        <source>You can leave the kiosk now.</source>
        <translation>Gallwch chi adael y ciosg nawr.</translation>
    </message>
    <message>
        <source>Please remember to take your belongings with you.</source>
        <translation>Cofiwch fynd â&apos;ch pethau gyda chi, os gwelwch yn dda.</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Gorffen</translation>
    </message>
    <message>
        <source>Goes back to the welcome screen for the next person.</source>
        <translation>Yn mynd yn ôl i&apos;r sgrin groeso ar gyfer y person nesaf.</translation>
    </message>
</context>
<context>
    <name>WaitingScreen</name>
    <message>
        <source>You have waited less than a minute.</source>
        <translation>Rydych chi wedi aros llai na munud.</translation>
    </message>
    <message numerus="yes">
        <source>You have waited %n minute(s).</source>
        <translation>
            <numerusform>Rydych chi wedi aros %n munud.</numerusform>
            <numerusform>Rydych chi wedi aros %n munud.</numerusform>
            <numerusform>Rydych chi wedi aros %n munud.</numerusform>
            <numerusform>Rydych chi wedi aros %n munud.</numerusform>
            <numerusform>Rydych chi wedi aros %n munud.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 will join you soon.</source>
        <translation>Bydd %1 yn ymuno â chi cyn bo hir.</translation>
    </message>
    <message>
        <source>The specialist will join you soon.</source>
        <translation>Bydd yr arbenigwr yn ymuno â chi cyn bo hir.</translation>
    </message>
    <message>
        <source>Message from %1:</source>
        <translation>Neges gan %1:</translation>
    </message>
    <message>
        <source>Message from the clinic:</source>
        <translation>Neges gan y clinig:</translation>
    </message>
    <message>
        <source>You are checked in</source>
        <translation>Rydych chi wedi cofrestru</translation>
    </message>
    <message>
        <source>Please stay near the screen. The call will start by itself.</source>
        <translation>Arhoswch yn agos at y sgrin, os gwelwch yn dda. Bydd yr alwad yn dechrau ar ei phen ei hun.</translation>
    </message>
    <message>
        <source>Reconnecting to the clinic… You don&apos;t need to do anything. You will not lose your place.</source>
        <translation>Wrthi&apos;n ailgysylltu â&apos;r clinig… Does dim angen i chi wneud dim byd. Fyddwch chi ddim yn colli eich lle.</translation>
    </message>
    <message>
        <source>This is how you will look:</source>
        <translation>Dyma sut byddwch chi&apos;n edrych:</translation>
    </message>
    <message>
        <source>Your camera picture</source>
        <translation>Llun eich camera</translation>
    </message>
    <message>
        <source>Your camera picture will show here.</source>
        <translation>Bydd llun eich camera&apos;n ymddangos yma.</translation>
    </message>
    <message>
        <source>Leave the waiting room</source>
        <translation>Gadael yr ystafell aros</translation>
    </message>
    <message>
        <source>Asks if you are sure, then cancels your check-in.</source>
        <translation>Yn gofyn ydych chi&apos;n siŵr, ac wedyn yn canslo eich cofrestru.</translation>
    </message>
    <message>
        <source>Do you want to leave the waiting room?</source>
        <translation>Ydych chi eisiau gadael yr ystafell aros?</translation>
    </message>
    <message>
        <source>You will lose your place and need to check in again.</source>
        <translation>Byddwch chi&apos;n colli eich lle a bydd angen i chi gofrestru eto.</translation>
    </message>
    <message>
        <source>Yes, leave</source>
        <translation>Ydw, gadael</translation>
    </message>
    <message>
        <source>Cancels your check-in and goes back to the start.</source>
        <translation>Yn canslo eich cofrestru ac yn mynd yn ôl i&apos;r dechrau.</translation>
    </message>
    <message>
        <source>No, stay</source>
        <translation>Nac ydw, aros</translation>
    </message>
    <message>
        <source>Keeps your place in the waiting room.</source>
        <translation>Yn cadw eich lle yn yr ystafell aros.</translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <source>Welcome to %1</source>
        <translation>Croeso i %1</translation>
    </message>
    <message>
        <source>Check in here for your video appointment with a hospital specialist.</source>
        <translation>Cofrestrwch yma ar gyfer eich apwyntiad fideo gydag arbenigwr o&apos;r ysbyty.</translation>
    </message>
    <message>
        <source>Touch to start</source>
        <translation>Cyffyrddwch i ddechrau</translation>
    </message>
    <message>
        <source>Starts checking you in for your appointment.</source>
        <translation>Yn dechrau eich cofrestru ar gyfer eich apwyntiad.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Iaith</translation>
    </message>
    <message>
        <source>Make the screen easier to read</source>
        <translation>Gwneud y sgrin yn haws ei darllen</translation>
    </message>
    <message>
        <source>Shows the kiosk in this language: %1</source>
        <translation>Yn dangos y ciosg yn yr iaith hon: %1</translation>
    </message>
    <message>
        <source>On</source>
        <translation>Ymlaen</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>I ffwrdd</translation>
    </message>
    <message>
        <source>Larger text</source>
        <translation>Testun mwy</translation>
    </message>
    <message>
        <source>High contrast</source>
        <translation>Cyferbyniad uchel</translation>
    </message>
    <message>
        <source>Makes all the writing bigger. It is on now.</source>
        <translation>Yn gwneud yr ysgrifen i gyd yn fwy. Mae ymlaen nawr.</translation>
    </message>
    <message>
        <source>Makes all the writing bigger. It is off now.</source>
        <translation>Yn gwneud yr ysgrifen i gyd yn fwy. Mae i ffwrdd nawr.</translation>
    </message>
    <message>
        <source>Shows yellow and white on black. It is on now.</source>
        <translation>Yn dangos melyn a gwyn ar ddu. Mae ymlaen nawr.</translation>
    </message>
    <message>
        <source>Shows yellow and white on black. It is off now.</source>
        <translation>Yn dangos melyn a gwyn ar ddu. Mae i ffwrdd nawr.</translation>
    </message>
</context>
</TS>
